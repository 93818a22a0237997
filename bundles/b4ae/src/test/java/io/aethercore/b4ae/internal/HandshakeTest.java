package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both modes end to end, over the in-memory transport and over UDP on loopback (§5, §6). */
class HandshakeTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    static void exchange(Nodes.Pair p, Mode mode) throws Exception {
        Session a = p.alice().connect("bob", mode);
        assertEquals(mode, a.info().mode());
        assertEquals("bob", a.info().peer());
        a.send("hello bob".getBytes(StandardCharsets.UTF_8));
        Session b = p.bob().accept(Duration.ofSeconds(5));
        assertNotNull(b, "bob sees the session");
        assertEquals("alice", b.info().peer());
        assertEquals(mode, b.info().mode());
        assertArrayEquals("hello bob".getBytes(StandardCharsets.UTF_8), b.receive(Duration.ofSeconds(5)));
        b.send("hello alice".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("hello alice".getBytes(StandardCharsets.UTF_8), a.receive(Duration.ofSeconds(5)));
        byte[] big = new byte[16 * 1024];
        new java.util.Random(1).nextBytes(big);
        a.send(big);
        assertArrayEquals(big, b.receive(Duration.ofSeconds(5)));
        var f = b.receiveAsync();
        a.sendAsync("async".getBytes()).get();
        assertArrayEquals("async".getBytes(), f.get(5, java.util.concurrent.TimeUnit.SECONDS));
        a.close();
        assertFalse(a.isOpen());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (b.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(b.isOpen(), "the authenticated CLOSE closes the peer's session");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void inMemory(Mode mode) throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        exchange(nodes.memoryPair(net), mode);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void udpLoopback(Mode mode) throws Exception {
        UdpTransport ta = nodes.track(new UdpTransport(new InetSocketAddress("127.0.0.1", 0)));
        UdpTransport tb = nodes.track(new UdpTransport(new InetSocketAddress("127.0.0.1", 0)));
        exchange(nodes.pair(ta, tb, Nodes.settings(), Nodes.settings()), mode);
    }
}
