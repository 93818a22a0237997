package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.b4ae.B4aeException;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import io.aethercore.b4ae.internal.audit.B4aeAuditor;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import io.aethercore.b4ae.internal.metrics.B4aeMetrics;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Enrollment (docs/b4ae-protocol.md §5.2, "Enrollment"): a responder with {@code enrollment.accept_unpinned}
 * takes Mode B initiators it never pinned when their FINISH carries their key, flags those sessions unpinned,
 * caps their number and their lifetime, and counts refusals without recording them one by one.
 */
class EnrollmentTest {

    private static final InetSocketAddress FA = Nodes.mem(2);

    private final Nodes nodes = new Nodes();
    private final InMemoryNetwork net = new InMemoryNetwork();
    private final CountingObserver counts = new CountingObserver();
    private int nextAddress = 10;

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    /** The Federation Authority "bob": pins nobody. */
    private B4aeEngine authority(B4aeSettings.Builder settings) {
        B4aeEngine b = nodes.node("bob", Nodes.trust(), settings);
        b.setTransport(nodes.track(net.endpoint(FA)));
        b.setObserver(counts);
        return b;
    }

    /** A joining node: pins the authority's keys (as from a genesis bundle), is pinned by nobody. */
    private B4aeEngine joiner(String name, B4aeSettings.Builder settings) {
        PinnedTrustStore trust = Nodes.trust();
        Nodes.pin(trust, "bob", FA);
        B4aeEngine e = nodes.node(name, trust, settings);
        e.setTransport(nodes.track(net.endpoint(Nodes.mem(nextAddress++))));
        return e;
    }

    /** Fails fast when the authority refuses: 3 × 300 ms until "unconfirmed". */
    private static B4aeSettings.Builder quick() {
        return Nodes.settings().handshakeRetryMs(300).handshakeAttempts(2);
    }

    private static B4aeSettings.Builder accepting() {
        return Nodes.settings().enrollmentAcceptUnpinned(true);
    }

    private static String reason(Throwable t) {
        Throwable c = t instanceof java.util.concurrent.ExecutionException ? t.getCause() : t;
        return c instanceof B4aeException b ? b.reason() : String.valueOf(c);
    }

    @Test
    void unpinnedInitiatorEnrolsAndTalks() throws Exception {
        B4aeEngine fa = authority(accepting());
        B4aeEngine alice = joiner("alice", Nodes.settings());

        Session a = alice.enrolAsync("bob", FA).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(a.peerPinned(), "the initiator's peer (the authority) is pinned");
        assertEquals("bob", a.info().peer());
        assertEquals(Mode.B, a.info().mode());

        Session b = fa.accept(Duration.ofSeconds(5));
        assertNotNull(b);
        String fp = Nodes.keys("alice").mldsa().fingerprint();
        assertFalse(b.peerPinned());
        assertEquals("unpinned-" + fp.substring(0, 16), b.info().peer());
        assertEquals(fp, b.info().peerKeyFingerprint());
        assertEquals(Mode.B, b.info().mode());

        a.send("join request".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("join request".getBytes(StandardCharsets.UTF_8), b.receive(Duration.ofSeconds(5)));
        b.send("certificate".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("certificate".getBytes(StandardCharsets.UTF_8), a.receive(Duration.ofSeconds(5)));

        List<Session> listed = fa.sessions();
        assertEquals(1, listed.size());
        assertFalse(listed.get(0).peerPinned());
        assertEquals(1, counts.get("unpinned.accepted"));

        // the unpinned session is never found by its name as if it were a pinned peer
        B4aeException e = assertThrows(B4aeException.class, () -> fa.connect(b.info().peer(), Nodes.mem(10), Mode.B));
        assertEquals("unknown-peer", e.reason());
        // and nobody can pin a key under such a name
        assertThrows(IllegalArgumentException.class, () -> Nodes.trust().pin(b.info().peer(),
                Nodes.keys("alice").mldsa(), java.time.Instant.now()));
    }

    @Test
    void refusedByDefaultCountedButNotRecorded() throws Exception {
        List<AuditEvent> records = new CopyOnWriteArrayList<>();
        B4aeAuditor auditor = new B4aeAuditor(records::add, null);
        B4aeMetrics metrics = new B4aeMetrics();
        B4aeEngine fa = authority(Nodes.settings()); // enrollment.accept_unpinned defaults to false
        fa.setObserver(new CompositeObserver(List.of(counts, auditor, metrics)));
        B4aeEngine alice = joiner("alice", quick());

        Throwable t = assertThrows(Exception.class, () -> alice.enrolAsync("bob", FA).get());
        assertEquals("unconfirmed", reason(t));
        assertTrue(counts.get("unpinned.refused.unknown-peer") >= 1, counts.toString());
        assertEquals(0, counts.get("failed.unknown-peer"), "not reported as an individual handshake failure");
        assertTrue(fa.sessions().isEmpty());
        assertTrue(metrics.scrape().contains("b4ae_unpinned_handshakes_total{outcome=\"refused\",reason=\"unknown-peer\"}"),
                metrics.scrape());

        assertTrue(Await.until(() -> auditor.pending() == 0, 5000));
        assertTrue(records.stream().noneMatch(r -> B4aeAuditor.HANDSHAKE.equals(r.action())), records.toString());
        auditor.flushSummary();
        assertTrue(Await.until(() -> auditor.pending() == 0, 5000));
        AuditEvent summary = records.stream().filter(r -> B4aeAuditor.SUMMARY.equals(r.action())).findFirst().orElseThrow();
        assertTrue(summary.details().containsKey("unpinned_refused.unknown-peer"), summary.toString());
        auditor.close();

        // a configuration change turns it on in the running engine
        fa.reconfigure(Nodes.settings().enrollmentAcceptUnpinned(true).build());
        fa.setObserver(counts);
        Session a = alice.enrolAsync("bob", FA).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(a.isOpen());
        assertFalse(fa.accept(Duration.ofSeconds(5)).peerPinned());
    }

    @Test
    void plainConnectFromUnpinnedInitiatorStillFails() throws Exception {
        B4aeEngine fa = authority(accepting());
        B4aeEngine alice = joiner("alice", quick());
        B4aeException e = assertThrows(B4aeException.class, () -> alice.connect("bob", FA, Mode.B));
        assertEquals("unconfirmed", e.reason());
        assertTrue(counts.get("failed.unknown-peer") >= 1, counts.toString());
        assertEquals(0, counts.get("unpinned.accepted"));
        assertTrue(fa.sessions().isEmpty());
    }

    @Test
    void maxSessionsIsACap() throws Exception {
        B4aeEngine fa = authority(accepting().enrollmentMaxSessions(1));
        B4aeEngine e1 = joiner("enrol-1", quick());
        B4aeEngine e2 = joiner("enrol-2", quick());

        Session first = e1.enrolAsync("bob", FA).get(10, java.util.concurrent.TimeUnit.SECONDS);
        Session atFa = fa.accept(Duration.ofSeconds(5));
        assertNotNull(atFa);
        Throwable t = assertThrows(Exception.class, () -> e2.enrolAsync("bob", FA).get());
        assertEquals("unconfirmed", reason(t));
        assertTrue(counts.get("unpinned.refused.enrollment-full") >= 1, counts.toString());
        assertEquals(1, fa.sessions().size());

        atFa.close();                       // room again
        assertTrue(Await.until(() -> !first.isOpen(), 5000));
        Session second = e2.enrolAsync("bob", FA).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(second.isOpen());
        Session atFa2 = fa.accept(Duration.ofSeconds(5));
        assertEquals("unpinned-" + Nodes.keys("enrol-2").mldsa().fingerprint().substring(0, 16), atFa2.info().peer());
    }

    @Test
    void lifetimeEndsTheSessionEvenAcrossRekeys() throws Exception {
        // the parser's minimum, 5 s: room for a rekey after 1 s even when its first INIT is lost or slow (a
        // fresh INIT follows after handshake_retry_ms, 1 s); with 3 s the rekey came too late in a loaded run
        B4aeEngine fa = authority(accepting().enrollmentSessionSeconds(5));
        B4aeEngine alice = joiner("alice", Nodes.settings().rekeyAfterSeconds(1));

        Session a = alice.enrolAsync("bob", FA).get(10, java.util.concurrent.TimeUnit.SECONDS);
        Session b = fa.accept(Duration.ofSeconds(5));
        long opened = System.nanoTime();
        assertNotNull(b);
        // the enrolled initiator rekeys with its key included again: the same unpinned session, new keys
        assertTrue(Await.until(() -> b.info().keyGeneration() >= 2, 4000), "rekey of the unpinned session");
        assertFalse(b.peerPinned());
        assertTrue(b.isOpen());
        assertTrue(Await.until(() -> !b.isOpen(), 8000), "closed at enrollment.session_seconds");
        assertTrue(System.nanoTime() - opened > 4_500_000_000L, "not before its lifetime");
        assertTrue(Await.until(() -> !a.isOpen(), 3000), "the CLOSE reaches the initiator");
        assertTrue(fa.sessions().isEmpty());
    }
}
