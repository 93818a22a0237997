package io.aethercore.benchmarks;

import io.aethercore.api.b4ae.Session;
import io.aethercore.b4ae.internal.Attacker;
import io.aethercore.b4ae.internal.B4aeEngine;
import io.aethercore.b4ae.internal.UdpTransport;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

/**
 * A genuine peer's {@code connect} (fresh handshake, then close) over UDP loopback, with the responder idle and
 * under the handshake flood of issue 17 item 1: an attacker that knows the responder's public key and takes
 * cookies at its own address sends well-formed Mode B INITs (about 500 per second, 2 fragments each) the whole
 * time. The target: under the flood a genuine handshake completes in at most 2 x its idle time. Each handshake
 * starts 100 ms after the previous one ended (not part of the score).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class B4aeFloodConnectBench {

    @Param({"A", "B"})
    public String mode;

    @Param({"idle", "flood"})
    public String load;

    private B4aeFixture fixture;
    private B4aeEngine alice;
    private B4aeEngine bob;
    private UdpTransport ta;
    private UdpTransport tb;
    private Attacker attacker;
    private Thread flood;
    private final AtomicBoolean stop = new AtomicBoolean();
    private io.aethercore.api.b4ae.Mode m;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new B4aeFixture();
        ta = new UdpTransport(new InetSocketAddress("127.0.0.1", 0));
        tb = new UdpTransport(new InetSocketAddress("127.0.0.1", 0));
        B4aeEngine[] e = fixture.engines(ta, tb);
        alice = e[0];
        bob = e[1];
        m = io.aethercore.api.b4ae.Mode.valueOf(mode);
        if (load.equals("flood")) {
            attacker = new Attacker(tb.localAddress(), fixture.bob.x25519(), bob.settings().maxDatagram());
            attacker.sendInit();
            long until = System.nanoTime() + 5_000_000_000L;
            while (!attacker.hasCookie() && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            if (!attacker.hasCookie()) {
                throw new IllegalStateException("the attacker got no cookie");
            }
            flood = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        attacker.sendInit();
                        Thread.sleep(2);
                    } catch (Exception x) {
                        return;
                    }
                }
            }, "b4ae-init-flood");
            flood.start();
            Thread.sleep(500);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        stop.set(true);
        if (flood != null) {
            flood.join(5000);
            System.out.printf("%nFLOOD %s: attacker sent %d bytes%n", mode, attacker.bytesOut.get());
            attacker.close();
        }
        alice.close();
        bob.close();
        ta.close();
        tb.close();
        fixture.close();
    }

    /**
     * A pause before each handshake: a genuine peer handshakes now and then (connect, rekey), not back to back;
     * without it the benchmark's own INIT rate would put the responder under load.
     */
    @Setup(Level.Invocation)
    public void pause() throws InterruptedException {
        Thread.sleep(100);
    }

    @Benchmark
    public Object connect() throws Exception {
        Session s = alice.connect("bob", m);
        s.close();
        return s;
    }
}
