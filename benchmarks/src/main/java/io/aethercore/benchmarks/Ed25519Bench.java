package io.aethercore.benchmarks;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.crypto.internal.BcSignatures;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Ed25519 on a 64-byte message: signing through the software key custody (what callers use;
 * {@code KeyCustody.sign}, key in memory after first use), signing with the bare BouncyCastle
 * primitive (what the custody layer costs), and {@code BcSignatures.verify} (decodes and validates
 * the public key on every call, as callers get it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Ed25519Bench {

    private CustodyFixture fixture;
    private final SignatureService verifier = new BcSignatures();
    private final byte[] message = BenchData.pattern(64);
    private byte[] signature;
    private Ed25519PrivateKeyParameters rawKey;

    @Setup
    public void setUp() throws Exception {
        fixture = new CustodyFixture(KeyAlgorithm.ED25519);
        signature = fixture.custody.sign(fixture.key, message);
        verifier.verify(fixture.key.publicKey(), message, signature); // throws if wrong
        rawKey = new Ed25519PrivateKeyParameters(new SecureRandom());
    }

    @TearDown
    public void tearDown() throws Exception {
        fixture.close();
    }

    @Benchmark
    public void custodySign(Blackhole bh) throws Exception {
        bh.consume(fixture.custody.sign(fixture.key, message));
    }

    @Benchmark
    public void rawBcSign(Blackhole bh) {
        byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
        rawKey.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, sig, 0);
        bh.consume(sig);
    }

    @Benchmark
    public void verify(Blackhole bh) throws Exception {
        verifier.verify(fixture.key.publicKey(), message, signature);
        bh.consume(signature);
    }
}
