package io.aethercore.benchmarks;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.Hasher;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Why a Merkle leaf hash through the native provider costs more than its size suggests: a 65-byte
 * leaf input ({@code 0x00 || 64-byte entry}) handed to one reused native {@link Hasher} (update +
 * digest) in three ways.
 *
 * <ul>
 *   <li>{@code wholeArray}: an array of exactly 65 bytes (one JNI call on the caller's array);
 *   <li>{@code subRange}: the first 65 bytes of a 257-byte array, as {@code TreeHasher.leaf} passes
 *       entries of up to 256 bytes. A sub-range goes through {@code NativeBlake3Hashing}'s 64 KiB
 *       scratch buffer, and the JNI binding copies that whole array in and back out per call;
 *   <li>{@code subRangeCopied}: the same sub-range first copied into an exact 65-byte array.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Blake3SubRangeBench {

    private Hasher hasher;
    private byte[] exact;
    private byte[] big;

    @Setup
    public void setUp() {
        hasher = MerkleSupport.provider("native").newHasher(HashAlgorithm.BLAKE3);
        exact = BenchData.pattern(65);
        big = Arrays.copyOf(exact, 257);
        byte[] a = hasher.update(exact).digest();
        byte[] b = hasher.update(big, 0, 65).digest();
        if (!Arrays.equals(a, b)) {
            throw new IllegalStateException("sub-range and whole-array digests differ");
        }
    }

    @Benchmark
    public byte[] wholeArray() {
        return hasher.update(exact, 0, 65).digest();
    }

    @Benchmark
    public byte[] subRange() {
        return hasher.update(big, 0, 65).digest();
    }

    @Benchmark
    public byte[] subRangeCopied() {
        return hasher.update(Arrays.copyOf(big, 65)).digest();
    }
}
