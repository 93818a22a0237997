package io.aethercore.benchmarks;

import io.aethercore.api.crypto.EphemeralKeyPair;
import io.aethercore.api.crypto.KdfAlgorithm;
import io.aethercore.api.crypto.KdfService;
import io.aethercore.api.crypto.KeyAgreementService;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.crypto.internal.BcKdf;
import io.aethercore.crypto.internal.BcKeyAgreement;
import java.util.Arrays;
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

/**
 * X25519 agreement of an ephemeral key pair ({@code BcKeyAgreement}) with a peer's public key,
 * and HKDF-SHA256 extract-and-expand ({@code BcKdf}) of 32 bytes from a 32-byte secret, 32-byte
 * salt and 16-byte info.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AgreementKdfBench {

    private final KeyAgreementService agreement = new BcKeyAgreement();
    private final KdfService kdf = new BcKdf();
    private EphemeralKeyPair mine;
    private EphemeralKeyPair peer;
    private RawPublicKey peerPublic;
    private final byte[] ikm = BenchData.pattern(32);
    private final byte[] salt = BenchData.pattern(32);
    private final byte[] info = BenchData.pattern(16);

    @Setup
    public void setUp() throws Exception {
        mine = agreement.generateEphemeral(KeyAlgorithm.X25519);
        peer = agreement.generateEphemeral(KeyAlgorithm.X25519);
        peerPublic = peer.publicKey();
        if (!Arrays.equals(mine.agree(peerPublic), peer.agree(mine.publicKey()))) {
            throw new IllegalStateException("X25519 agreement mismatch");
        }
    }

    @TearDown
    public void tearDown() {
        mine.close();
        peer.close();
    }

    @Benchmark
    public void x25519Agree(Blackhole bh) throws Exception {
        bh.consume(mine.agree(peerPublic));
    }

    @Benchmark
    public void hkdfSha256(Blackhole bh) {
        bh.consume(kdf.derive(KdfAlgorithm.HKDF_SHA256, salt, ikm, info, 32));
    }
}
