package io.aethercore.benchmarks;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.crypto.internal.BcSignatures;
import java.util.concurrent.TimeUnit;
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

/** ML-DSA-87 (hedged, empty context) on a 64-byte message: custody sign, {@code BcSignatures.verify}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MlDsa87Bench {

    private CustodyFixture fixture;
    private final SignatureService verifier = new BcSignatures();
    private final byte[] message = BenchData.pattern(64);
    private byte[] signature;

    @Setup
    public void setUp() throws Exception {
        fixture = new CustodyFixture(KeyAlgorithm.ML_DSA_87);
        signature = fixture.custody.sign(fixture.key, message);
        verifier.verify(fixture.key.publicKey(), message, signature); // throws if wrong
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
    public void verify(Blackhole bh) throws Exception {
        verifier.verify(fixture.key.publicKey(), message, signature);
        bh.consume(signature);
    }
}
