package io.aethercore.b4ae.internal;

import io.aethercore.b4ae.internal.config.B4aeSettings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import io.aethercore.b4ae.internal.scheduler.OutboundMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The seams for the metadata layer (outbound, SlotSink, padding, observer), rekeying, key rotation. */
class HooksAndRekeyTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    @Test
    void schedulerDefersSealingPaddingIsRemovedAndDummiesAreDroppedSilently() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        List<Integer> dataSizes = new CopyOnWriteArrayList<>();
        net.setTap((from, to, d) -> {
            if (d[0] == Wire.T_DATA) {
                dataSizes.add(d.length);
            }
            return new byte[][] {d};
        });
        var p = nodes.memoryPair(net);
        Session a = p.alice().connect("bob", Mode.A);
        assertNull(null);
        // key confirmation (§5.4): alice's probe and bob's answer are done before the records this test looks at
        assertTrue(Await.until(() -> ((B4aeSession) a).current().heard(), 2000), "bob answered the probe");
        ConcurrentLinkedQueue<OutboundMessage> queue = new ConcurrentLinkedQueue<>();
        p.alice().setOutbound(queue::add);               // a scheduler takes over the send path
        p.alice().setPadding(n -> Math.max(n, 1024));    // pad every record to 1024 plaintext bytes
        CountingObserver ob = new CountingObserver();
        p.bob().setObserver(ob);
        dataSizes.clear();
        a.send("queued".getBytes());
        assertEquals(1, queue.size(), "send handed the message to the scheduler");
        assertTrue(dataSizes.isEmpty(), "nothing sealed before the slot");
        OutboundMessage m = queue.poll();
        assertTrue(m.session() == a && m.enqueuedNanos() > 0);
        p.alice().emit(m);                                // the slot: seal + send now
        assertTrue(p.alice().emitDummy(1024));
        Session b = p.bob().accept(Duration.ofSeconds(5));
        assertArrayEquals("queued".getBytes(), b.receive(Duration.ofSeconds(5)), "padding removed");
        assertTrue(Await.until(() -> ob.get("received.dummy") == 1, 2000), ob.toString());
        assertNull(b.receive(Duration.ofMillis(100)), "the dummy is not delivered");
        assertEquals(List.of(16 + 1024 + 16, 16 + 1024 + 16), dataSizes, "real and dummy records look alike");
        p.alice().setOutbound(null);                      // back to direct sealing
        a.send("direct".getBytes());
        assertArrayEquals("direct".getBytes(), b.receive(Duration.ofSeconds(5)));
    }

    @Test
    void emitDummyWithoutSessionsReportsFalse() {
        InMemoryNetwork net = new InMemoryNetwork();
        var p = nodes.memoryPair(net);
        assertFalse(p.alice().emitDummy(100));
    }

    @Test
    void rekeyAfterMessageCountKeepsTheSession() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        B4aeSettings.Builder sa = Nodes.settings();
        sa.rekeyAfterMessages(50);
        var p = nodes.pair(nodes.track(net.endpoint(Nodes.mem(1))), nodes.track(net.endpoint(Nodes.mem(2))), sa,
                Nodes.settings());
        for (Mode mode : Mode.values()) {
            Session a = p.alice().connect("bob", mode);
            Session b = p.bob().accept(Duration.ofSeconds(5));
            for (int i = 0; i < 200; i++) {
                a.send(new byte[] {(byte) i});
                if (i % 20 == 0) {
                    Thread.sleep(30); // give the rekey handshake time to run between bursts
                }
            }
            int got = 0;
            while (b.receive(Duration.ofMillis(500)) != null) {
                got++;
            }
            assertTrue(got >= 150, "messages keep flowing across rekeys: " + got);
            assertTrue(a.info().keyGeneration() >= 2, "rekeyed: " + a.info());
            assertEquals(a.info().keyGeneration(), b.info().keyGeneration(), "same session object on both sides");
            a.close();
            Thread.sleep(50);
        }
    }

    @Test
    void trustStoreHonoursRotationAndOverlap() {
        PinnedTrustStore t = Nodes.trust();
        var k1 = Nodes.keys("alice").x25519();
        var k2 = Nodes.keys("bob").x25519();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        t.pin("n", k1, t0);
        assertTrue(t.peerFor(k1, t0.plus(Duration.ofDays(96))).isPresent(), "inside 90 + 7 days");
        assertTrue(t.peerFor(k1, t0.plus(Duration.ofDays(97))).isEmpty(), "after 90 + 7 days");
        assertTrue(t.peerFor(k1, t0.minusSeconds(1)).isEmpty(), "not before validFrom");
        Instant rotated = t0.plus(Duration.ofDays(90));
        t.pin("n", k2, rotated);
        assertTrue(t.peerFor(k1, rotated.plus(Duration.ofDays(6))).isPresent(), "old key during the 7-day overlap");
        assertTrue(t.peerFor(k1, rotated.plus(Duration.ofDays(7))).isEmpty(), "old key after the overlap");
        assertEquals(k2, t.current("n", k2.algorithm(), rotated.plus(Duration.ofDays(1))).orElseThrow());
        assertEquals(k1, t.current("n", k1.algorithm(), rotated.minusSeconds(1)).orElseThrow());
    }
}
