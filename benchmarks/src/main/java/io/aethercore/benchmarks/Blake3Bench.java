package io.aethercore.benchmarks;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.Hasher;
import io.aethercore.crypto.blake3.internal.NativeBlake3Hashing;
import io.aethercore.crypto.internal.BcHashing;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
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
 * BLAKE3 (32-byte digest) per provider and input size. Throughput in calls per second; bytes per
 * second = score x size.
 *
 * <ul>
 *   <li>{@code nativeOneShot}: {@code HashService.hash} on the native provider, what callers use for
 *       a whole buffer (allocates a native hasher per call, freed by a Cleaner).
 *   <li>{@code nativeReusedHasher}: one native {@link Hasher} reused; no per-call allocation.
 *   <li>{@code bouncyCastleOneShot}: {@code HashService.hash} on the pure-Java provider.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Blake3Bench {

    @Param({"1024", "65536", "1048576"})
    public int size;

    private byte[] data;
    private HashService nativeHashing;
    private HashService bc;
    private Hasher nativeHasher;

    @Setup
    public void setUp() {
        data = BenchData.pattern(size);
        nativeHashing = NativeBlake3Hashing.create();
        if (nativeHashing == null) {
            throw new IllegalStateException("native BLAKE3 unavailable: " + NativeBlake3Hashing.unavailableReason());
        }
        bc = new BcHashing();
        nativeHasher = nativeHashing.newHasher(HashAlgorithm.BLAKE3);
        byte[] expected = bc.hash(HashAlgorithm.BLAKE3, data);
        if (!Arrays.equals(expected, nativeHashing.hash(HashAlgorithm.BLAKE3, data))
                || !Arrays.equals(expected, nativeHasher.update(data).digest())) {
            throw new IllegalStateException("native and BouncyCastle BLAKE3 disagree");
        }
    }

    @Benchmark
    public void nativeOneShot(Blackhole bh) {
        bh.consume(nativeHashing.hash(HashAlgorithm.BLAKE3, data));
    }

    @Benchmark
    public void nativeReusedHasher(Blackhole bh) {
        bh.consume(nativeHasher.update(data).digest());
    }

    @Benchmark
    public void bouncyCastleOneShot(Blackhole bh) {
        bh.consume(bc.hash(HashAlgorithm.BLAKE3, data));
    }
}
