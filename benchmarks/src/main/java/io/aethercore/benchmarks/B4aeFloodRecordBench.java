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
 * One DATA record from alice to bob over an open session (send, then bob's {@code receive}) over UDP loopback,
 * with bob idle and under the handshake flood of {@link B4aeFloodConnectBench}: records are handled on the
 * receive thread and the flood's public-key work on the handshake worker, so a record should not wait for it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class B4aeFloodRecordBench {

    @Param({"A", "B"})
    public String mode;

    private Session sa;
    private Session sb;
    private final byte[] payload = new byte[1024];
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
        sa = alice.connect("bob", m);
        sb = bob.accept(java.time.Duration.ofSeconds(10));
        if (sb == null) {
            throw new IllegalStateException("bob accepted no session");
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

    @Benchmark
    public byte[] record() throws Exception {
        sa.send(payload);
        byte[] r = sb.receive(java.time.Duration.ofSeconds(5));
        if (r == null) {
            throw new IllegalStateException("record lost");
        }
        return r;
    }
}
