package io.aethercore.benchmarks;

import io.aethercore.api.b4ae.DatagramTransport;
import io.aethercore.api.b4ae.Session;
import io.aethercore.b4ae.internal.B4aeEngine;
import io.aethercore.b4ae.internal.InMemoryNetwork;
import io.aethercore.b4ae.internal.UdpTransport;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
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
 * Wall-clock latency of {@code SecureChannel.connect} between two engines in one JVM: UDP on loopback and
 * the in-memory transport, both modes; each operation is a fresh handshake (connect, then close).
 * Includes the thread hand-offs of the transports and, in Mode B, the key-confirmation round.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class B4aeConnectBench {

    @Param({"A", "B"})
    public String mode;

    @Param({"udp", "memory"})
    public String transport;

    private B4aeFixture fixture;
    private B4aeEngine alice;
    private B4aeEngine bob;
    private AutoCloseable[] closeables;
    private io.aethercore.api.b4ae.Mode m;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new B4aeFixture();
        DatagramTransport ta;
        DatagramTransport tb;
        if (transport.equals("udp")) {
            UdpTransport a = new UdpTransport(new InetSocketAddress("127.0.0.1", 0));
            UdpTransport b = new UdpTransport(new InetSocketAddress("127.0.0.1", 0));
            ta = a;
            tb = b;
            closeables = new AutoCloseable[] {a, b};
        } else {
            InMemoryNetwork net = new InMemoryNetwork();
            InMemoryNetwork.Endpoint a = net.endpoint(new InetSocketAddress("10.0.0.1", 4000));
            InMemoryNetwork.Endpoint b = net.endpoint(new InetSocketAddress("10.0.0.2", 4000));
            ta = a;
            tb = b;
            closeables = new AutoCloseable[] {a, b};
        }
        B4aeEngine[] e = fixture.engines(ta, tb);
        alice = e[0];
        bob = e[1];
        m = io.aethercore.api.b4ae.Mode.valueOf(mode);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        alice.close();
        bob.close();
        for (AutoCloseable c : closeables) {
            c.close();
        }
        fixture.close();
    }

    @Benchmark
    public Object connect() throws Exception {
        Session s = alice.connect("bob", m);
        s.close();
        return s;
    }
}
