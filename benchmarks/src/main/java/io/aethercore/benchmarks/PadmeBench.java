package io.aethercore.benchmarks;

import io.aethercore.b4ae.internal.padding.FragmentException;
import io.aethercore.b4ae.internal.padding.Padme;
import io.aethercore.b4ae.internal.padding.Reassembler;
import io.aethercore.b4ae.internal.padding.Splitter;
import java.util.List;
import java.util.SplittableRandom;
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

/** Cost of the B4AE padding function and of splitting / reassembling a 64 KiB message. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PadmeBench {

    private final Padme padme = Padme.defaults();
    private final Splitter splitter = new Splitter(16384 - 5);
    private int[] lengths;
    private int i;
    private byte[] message;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(1);
        lengths = new int[4096];
        for (int k = 0; k < lengths.length; k++) {
            lengths[k] = r.nextInt(16385);
        }
        message = new byte[64 * 1024];
    }

    @Benchmark
    public int paddedSize() {
        i = (i + 1) & 4095;
        return padme.applyAsInt(lengths[i]);
    }

    @Benchmark
    public byte[] splitAndReassemble64KiB() throws FragmentException {
        List<byte[]> frags = splitter.split(i++, message);
        Reassembler re = new Reassembler(1 << 20, 64, 4, 1 << 20, 1_000_000_000L);
        byte[] out = null;
        for (byte[] f : frags) {
            out = re.accept(f, 0);
        }
        return out;
    }
}
