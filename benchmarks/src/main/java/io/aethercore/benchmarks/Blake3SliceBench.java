package io.aethercore.benchmarks;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.crypto.blake3.internal.NativeBlake3Hashing;
import io.aethercore.crypto.internal.BcHashing;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.alephium.blake3jni.Blake3Jni;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Experiment: the slice size with which {@code NativeBlake3Hashing} feeds the JNI library. A copy of
 * its feeding strategy (whole array in one call when it fits, else {@code arraycopy} into a scratch
 * buffer of {@code slice} bytes and one JNI call per slice) with the slice as a parameter; {@code 0}
 * hands any array to the library in one call, whatever its size. The JNI layer copies the array
 * into a malloc'd buffer and back out on every call (GetByteArrayElements / Release mode 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Blake3SliceBench {

    @Param({"16384", "32768", "65536", "131072", "262144", "524288", "0"})
    public int slice;

    @Param({"1048576"})
    public int size;

    private byte[] data;
    private byte[] scratch;
    private long pointer;

    @Setup(Level.Trial)
    public void setUp() {
        // loads libblake3 into this class loader, where Blake3Jni lives too
        if (NativeBlake3Hashing.create() == null) {
            throw new IllegalStateException("native BLAKE3 unavailable: " + NativeBlake3Hashing.unavailableReason());
        }
        data = BenchData.pattern(size);
        scratch = slice == 0 ? null : new byte[slice];
        pointer = Blake3Jni.allocate_hasher();
        Blake3Jni.blake3_hasher_init(pointer);
        if (!Arrays.equals(new BcHashing().hash(HashAlgorithm.BLAKE3, data), digestOnce())) {
            throw new IllegalStateException("slice " + slice + " computes a wrong digest");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Blake3Jni.delete_hasher(pointer);
    }

    private synchronized byte[] digestOnce() {
        update(data, 0, data.length);
        byte[] out = new byte[32];
        Blake3Jni.blake3_hasher_finalize(pointer, out, out.length);
        Blake3Jni.blake3_hasher_init(pointer);
        return out;
    }

    /** As {@code NativeHasher.update}, with {@code slice} for the constant. */
    private void update(byte[] in, int offset, int length) {
        if (offset == 0 && length == in.length && (scratch == null || length <= slice)) {
            Blake3Jni.blake3_hasher_update(pointer, in, length);
        } else {
            int end = offset + length;
            for (int pos = offset; pos < end; pos += slice) {
                int n = Math.min(slice, end - pos);
                System.arraycopy(in, pos, scratch, 0, n);
                Blake3Jni.blake3_hasher_update(pointer, scratch, n);
            }
        }
    }

    @Benchmark
    public void hash(Blackhole bh) {
        bh.consume(digestOnce());
    }
}
