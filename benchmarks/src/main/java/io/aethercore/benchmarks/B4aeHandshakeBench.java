package io.aethercore.benchmarks;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.b4ae.internal.HandshakeLab;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * B4AE handshake CPU cost in one thread, no transport (docs/b4ae-protocol.md §5): the full exchange (both
 * sides), the responder's INIT processing, and the stateless checks a responder runs before any public-key
 * work (mac1; under load mac1 + mac2 with the address cookie). Average time per operation: with one
 * thread busy the whole time, this is CPU time.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class B4aeHandshakeBench {

    @Param({"A", "B"})
    public String mode;

    /** BLAKE3 provider for transcript hash, mac1, mac2 and cookies: BouncyCastle or the native one. */
    @Param({"bouncycastle", "native"})
    public String hash;

    private B4aeFixture fixture;
    private HandshakeLab lab;
    private Mode m;
    private byte[] init;
    private byte[] datagram;

    @Setup
    public void setUp() throws Exception {
        fixture = new B4aeFixture(hash);
        lab = new HandshakeLab(fixture.suite, fixture.alice, fixture.bob, fixture.trustOfAlice, fixture.trustOfBob);
        m = Mode.valueOf(mode);
        init = lab.init(m);
        datagram = lab.initDatagram(true);
        if (!lab.cookieCheck(datagram)) {
            throw new IllegalStateException("cookie check must pass on the prepared datagram");
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        fixture.close();
    }

    @Benchmark
    public int fullHandshake() throws Exception {
        return lab.fullHandshake(m);
    }

    @Benchmark
    public int responderInit() throws Exception {
        return lab.responderOnly(init);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean mac1Check() {
        return lab.mac1Check(datagram);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean cookieCheck() {
        return lab.cookieCheck(datagram);
    }

    /** mac1, mac2 and the source's token bucket: all a valid INIT under load costs before public-key work. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean admissionCheck() {
        return lab.admissionCheck(datagram);
    }
}
