package io.aethercore.benchmarks;

import io.aethercore.api.crypto.Aead;
import io.aethercore.api.crypto.AeadAlgorithm;
import io.aethercore.crypto.internal.BcAeads;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * AEAD seal and open of {@code size} bytes (1 KiB and 16 KiB, B4AE's record sizes, and 1 MiB) with 32 bytes of
 * associated data, through {@code BcAeads}; {@code rankedSeal}/{@code rankedOpen} through the provider the platform
 * ranks first for the algorithm ({@code JdkAeads} for AES-256-GCM, {@code BcAeads} for ChaCha20-Poly1305), which is
 * what B4AE's transport gets. Calls per second; bytes per second = score x size. (The nonce is fixed: fine for a
 * benchmark, never for real use.) {@code jdkSeal} is for comparison only: the same algorithm through
 * the JDK's own provider (SunJCE), which uses AES-NI and carry-less multiply intrinsics for AES-GCM.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AeadBench {

    @Param({"CHACHA20_POLY1305", "AES_256_GCM"})
    public AeadAlgorithm algorithm;

    @Param({"1024", "16384", "1048576"})
    public int size;

    private Aead aead;
    private Aead ranked;
    private final byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
    private final byte[] aad = BenchData.pattern(32);
    private byte[] plaintext;
    private byte[] sealed;
    private Cipher jdk;
    private SecretKeySpec jdkKey;
    private final byte[] jdkNonce = new byte[AeadAlgorithm.NONCE_LENGTH];
    private long counter;

    @Setup
    public void setUp() throws Exception {
        aead = new BcAeads().newAead(algorithm, BenchData.pattern(AeadAlgorithm.KEY_LENGTH));
        plaintext = BenchData.pattern(size);
        sealed = aead.seal(nonce, plaintext, aad);
        if (!Arrays.equals(plaintext, aead.open(nonce, sealed, aad))) {
            throw new IllegalStateException(algorithm + " round trip failed");
        }
        boolean gcm = algorithm == AeadAlgorithm.AES_256_GCM;
        ranked = gcm ? new io.aethercore.crypto.internal.JdkAeads().newAead(algorithm,
                BenchData.pattern(AeadAlgorithm.KEY_LENGTH)) : aead;
        if (!Arrays.equals(plaintext, ranked.open(nonce, sealed, aad))) {
            throw new IllegalStateException(algorithm + ": the ranked provider disagrees");
        }
        jdk = Cipher.getInstance(gcm ? "AES/GCM/NoPadding" : "ChaCha20-Poly1305");
        jdkKey = new SecretKeySpec(BenchData.pattern(AeadAlgorithm.KEY_LENGTH), gcm ? "AES" : "ChaCha20");
        jdk.init(Cipher.ENCRYPT_MODE, jdkKey, jdkParams());
        jdk.updateAAD(aad);
        if (!Arrays.equals(sealed, jdk.doFinal(plaintext))) {
            throw new IllegalStateException(algorithm + ": BcAeads and the JDK disagree");
        }
    }

    /** The JDK refuses to encrypt twice under one key and nonce: count. The first call uses nonce 0. */
    private java.security.spec.AlgorithmParameterSpec jdkParams() {
        long n = counter++;
        for (int i = 0; i < 8; i++) {
            jdkNonce[AeadAlgorithm.NONCE_LENGTH - 1 - i] = (byte) (n >>> (8 * i));
        }
        return algorithm == AeadAlgorithm.AES_256_GCM
                ? new GCMParameterSpec(AeadAlgorithm.TAG_LENGTH * 8, jdkNonce)
                : new IvParameterSpec(jdkNonce);
    }

    @Benchmark
    public void seal(Blackhole bh) {
        bh.consume(aead.seal(nonce, plaintext, aad));
    }

    @Benchmark
    public void open(Blackhole bh) throws Exception {
        bh.consume(aead.open(nonce, sealed, aad));
    }

    /** Through the first-ranked provider (see the class comment); a fresh nonce per call, as SunJCE demands. */
    @Benchmark
    @Warmup(iterations = 10, time = 1)
    public void rankedSeal(Blackhole bh) {
        jdkParams();
        bh.consume(ranked.seal(jdkNonce.clone(), plaintext, aad));
    }

    @Benchmark
    @Warmup(iterations = 10, time = 1)
    public void rankedOpen(Blackhole bh) throws Exception {
        bh.consume(ranked.open(nonce, sealed, aad));
    }

    /**
     * For comparison: the JDK's provider, same algorithm and sizes. Longer warm-up: its AES-GCM
     * intrinsic only runs once the method calling it is compiled by C2, which takes several seconds
     * at some 70 calls per second before that (measured: 70 calls/s for 4 s, then about 3,400).
     */
    @Benchmark
    @Warmup(iterations = 10, time = 1)
    public void jdkSeal(Blackhole bh) throws Exception {
        jdk.init(Cipher.ENCRYPT_MODE, jdkKey, jdkParams());
        jdk.updateAAD(aad);
        bh.consume(jdk.doFinal(plaintext));
    }
}
