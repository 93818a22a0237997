package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import io.aethercore.b4ae.internal.audit.B4aeAuditor;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, items 1–3, against real UDP sockets on loopback: an attacker that knows the responder's public key
 * and takes cookies at its own address floods well-formed Mode B INITs; a spoofed sender (one that never reads
 * its cookies) tries to get more bytes sent than it sends; NACKs ask for resends as fast as they can.
 */
class DosTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    /** Records on which thread the responder did its public-key work. */
    private static final class Threads implements ProtocolObserver {
        final Set<String> responderThreads = ConcurrentHashMap.newKeySet();

        @Override
        public void handshakeStarted(String mode, boolean initiator) {
            if (!initiator) {
                responderThreads.add(Thread.currentThread().getName());
            }
        }
    }

    private Nodes.Pair udpPair(B4aeSettings.Builder sa, B4aeSettings.Builder sb) throws Exception {
        UdpTransport ta = nodes.track(new UdpTransport(new InetSocketAddress("127.0.0.1", 0)));
        UdpTransport tb = nodes.track(new UdpTransport(new InetSocketAddress("127.0.0.1", 0)));
        return nodes.pair(ta, tb, sa, sb);
    }

    /**
     * Item 1: ~500 cookie-holding Mode B INITs per second fill a 32-entry responder table in well under a second
     * unless a source is rate-limited and capped; the genuine peer must still handshake, exchange records and
     * rekey during the flood, and no public-key work may run on the UDP receive thread.
     */
    @Test
    void cookieHoldingInitFloodStarvesNobody() throws Exception {
        B4aeSettings.Builder sa = Nodes.settings();
        sa.rekeyAfterMessages(50);
        B4aeSettings.Builder sb = Nodes.settings();
        sb.maxPendingResponders(32);
        sb.underLoadInitsPerSecond(20);
        Nodes.Pair p = udpPair(sa, sb);
        CountingObserver ob = new CountingObserver();
        Threads threads = new Threads();
        p.bob().setObserver(new CompositeObserver(List.of(ob, threads)));
        AtomicBoolean stop = new AtomicBoolean();
        try (Attacker m = new Attacker(p.bobAddr(), Nodes.keys("bob").x25519(), sb.build().maxDatagram())) {
            m.sendInit(); // Mode B always asks for a cookie first: the attacker takes it at its own address
            assertTrue(Await.until(m::hasCookie, 5000), "the attacker got a cookie");
            Thread flood = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        m.sendInit();
                        Thread.sleep(2);
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "init-flood");
            flood.start();
            try {
                Thread.sleep(1000); // the flood is on before the genuine peer starts
                Session a = p.alice().connectAsync("bob", p.bobAddr(), Mode.B).get(30, TimeUnit.SECONDS);
                Session b = p.bob().accept(Duration.ofSeconds(10));
                assertNotNull(b, "bob accepted the genuine session during the flood: " + ob);
                int got = 0;
                for (int i = 0; i < 120; i++) {
                    a.send(("record " + i).getBytes());
                    if (i % 10 == 9) {
                        Thread.sleep(50); // room for the rekey handshake between bursts
                    }
                }
                for (int i = 0; i < 120; i++) {
                    byte[] r = b.receive(Duration.ofSeconds(5));
                    if (r == null) {
                        break;
                    }
                    got++;
                }
                assertTrue(got >= 110, "records keep flowing during the flood: " + got + " of 120; " + ob);
                assertTrue(Await.until(() -> a.info().keyGeneration() >= 2, 20_000),
                        "the genuine session rekeyed during the flood: " + a.info() + "; " + ob);
                a.send("after the rekey".getBytes());
                byte[] last = null;
                for (int i = 0; i < 20 && (last == null || !new String(last).equals("after the rekey")); i++) {
                    last = b.receive(Duration.ofSeconds(5));
                }
                assertArrayEquals("after the rekey".getBytes(), last);
            } finally {
                stop.set(true);
                flood.join(5000);
            }
            assertTrue(m.bytesOut.get() > 1_000_000, "the flood was real: " + m.bytesOut.get() + " bytes");
            assertTrue(ob.get("dos.rate") > 100, "the attacker's INITs were rate-limited: " + ob);
            assertTrue(ob.get("started.B.r") < ob.get("dos.rate"), "few attacker INITs got public-key work: " + ob);
            assertTrue(p.bob().stateSize().pendingResponders() <= HandshakeAdmission.PENDING_PER_SOURCE + 1,
                    "the attacker holds at most its share of the table: " + p.bob().stateSize());
            for (String t : threads.responderThreads) {
                assertTrue(t.contains("b4ae-handshakes"), "public-key work ran on a handshake worker, not " + t);
            }
        }
    }

    /**
     * Item 3: a sender that never reads its replies (as a spoofed one cannot) gets at most as many bytes back as
     * it sent: Mode B INITs without a cookie get a 64-byte COOKIE, Mode A INITs that do not decrypt get nothing,
     * partial INITs are NACKed at most with as many bytes as they carried, NACKs for unknown handshakes nothing.
     */
    @Test
    void spoofedSenderAmplificationIsAtMostOne() throws Exception {
        Nodes.Pair p = udpPair(Nodes.settings(), Nodes.settings());
        CountingObserver ob = new CountingObserver();
        p.bob().setObserver(ob);
        int maxDatagram = p.bob().settings().maxDatagram();
        Random rnd = new Random(17);
        try (Attacker m = new Attacker(p.bobAddr(), Nodes.keys("bob").x25519(), maxDatagram)) {
            m.useCookie = false;
            for (int i = 0; i < 300; i++) {
                // 1. a Mode B INIT, never with the cookie (the spoofer never sees it)
                m.sendInit();
                // 2. a Mode A INIT with a valid mac1 and a body that does not decrypt
                byte[] a = new byte[Wire.INIT_A_LEN];
                rnd.nextBytes(a);
                a[0] = Wire.VERSION;
                a[1] = 1;
                a[2] = 1;
                a[3] = 1;
                m.send(m.fragments(Wire.T_INIT, 1, Bytes.i32(a, 4), 0, a, m.mac1Key())[0]);
                // 3. the first fragment of a two-fragment Mode A INIT, left partial (NACKed later)
                if (i % 30 == 0) {
                    byte[] big = new byte[2 * (maxDatagram - Wire.HS_OVERHEAD) - 10];
                    rnd.nextBytes(big);
                    big[0] = Wire.VERSION;
                    big[1] = 1;
                    byte[][] frags = m.fragments(Wire.T_INIT, 1, Bytes.i32(big, 4), 0, big, m.mac1Key());
                    m.send(frags[0]);
                }
                // 4. a NACK asking for all fragments of some handshake
                byte[] n = new byte[Wire.NACK_LEN];
                n[0] = Wire.T_NACK;
                n[1] = (byte) (Wire.T_RESP + i % 2);
                Bytes.put32(n, 4, rnd.nextInt());
                Bytes.put16(n, 12, 0xFFFF);
                m.send(n);
                if (i % 20 == 0) {
                    Thread.sleep(5);
                }
            }
            Thread.sleep(4000); // partial INITs are NACKed and expire (3 s)
            long out = m.bytesOut.get();
            long in = m.bytesIn.get();
            assertTrue(in > 0, "bob did answer (cookies): " + ob);
            assertTrue(in <= out, "amplification " + in + " / " + out + " = " + (double) in / out + " <= 1; " + ob);
            assertEquals(0, p.bob().stateSize().pendingResponders(), "no responder state for the spoofer");
        }
    }

    /**
     * Item 3: the spec's NACK limit (§3.3): each fragment is resent on a NACK at most once per 50 ms, however
     * many NACKs arrive; the sender here holds a genuine RESP (it took a cookie), so it names a real handshake.
     */
    @Test
    void nackFloodResendsEachFragmentAtMostOncePer50Ms() throws Exception {
        Nodes.Pair p = udpPair(Nodes.settings(), Nodes.settings());
        CountingObserver ob = new CountingObserver();
        p.bob().setObserver(ob);
        try (Attacker m = new Attacker(p.bobAddr(), Nodes.keys("bob").x25519(), p.bob().settings().maxDatagram())) {
            m.sendInit();
            assertTrue(Await.until(m::hasCookie, 5000));
            m.sendInit();
            assertTrue(Await.until(() -> m.received.stream().anyMatch(d -> d[0] == Wire.T_RESP), 5000), "RESP came");
            Thread.sleep(200); // every RESP fragment is in
            byte[] resp0 = m.received.stream().filter(d -> d[0] == Wire.T_RESP).findFirst().orElseThrow();
            int frags = resp0[3];
            int bobIndex = Bytes.i32(resp0, 4);
            int before = (int) m.received.stream().filter(d -> d[0] == Wire.T_RESP).count();
            long t0 = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                byte[] n = new byte[Wire.NACK_LEN];
                n[0] = Wire.T_NACK;
                n[1] = Wire.T_RESP;
                Bytes.put32(n, 4, bobIndex);
                Bytes.put32(n, 8, Bytes.i32(resp0, 8));
                Bytes.put16(n, 12, 0xFFFF);
                m.send(n);
            }
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(300);
            long windowMs = elapsedMs + 300;
            int resent = (int) m.received.stream().filter(d -> d[0] == Wire.T_RESP).count() - before;
            // once per 50 ms per fragment over the window, plus the timer's own RESP resends (at most 3 per handshake)
            long bound = frags * (windowMs / 50 + 1) + 3L * frags;
            assertTrue(resent <= bound, resent + " RESP fragments resent for 200 NACKs in " + windowMs + " ms; bound "
                    + bound + "; " + ob);
            assertTrue(ob.get("dos.nack-rate") > 0, ob.toString());
        }
    }

    /**
     * Item 2: refusals of unauthenticated initiators go into the periodic summary only
     * ({@code handshake_refused.<mode>.<reason>}); an authenticated peer's handshake is recorded on its own.
     */
    @Test
    void preAuthenticationRefusalsAreSummarisedNotRecordedOneByOne() throws Exception {
        UdpTransport tm = nodes.track(new UdpTransport(new InetSocketAddress("127.0.0.1", 0)));
        Nodes.Pair p = udpPair(Nodes.settings(), Nodes.settings());
        List<AuditEvent> records = new CopyOnWriteArrayList<>();
        B4aeAuditor auditor = new B4aeAuditor(records::add, null);
        p.bob().setObserver(auditor);
        // mallory pins bob but bob does not pin mallory: each of her Mode A INITs is refused
        PinnedTrustStore trustM = Nodes.trust();
        Nodes.pin(trustM, "bob", p.bobAddr());
        B4aeSettings.Builder sm = Nodes.settings();
        sm.handshakeRetryMs(100);
        sm.handshakeAttempts(3);
        B4aeEngine mallory = nodes.node("mallory", trustM, sm);
        mallory.setTransport(tm);
        for (int i = 0; i < 3; i++) {
            try {
                mallory.connect("bob", Mode.A);
            } catch (io.aethercore.api.b4ae.B4aeException expected) {
                // refused, as it must be
            }
        }
        p.alice().connect("bob", Mode.A);
        assertTrue(Await.until(() -> records.stream().anyMatch(e -> B4aeAuditor.HANDSHAKE.equals(e.action())), 5000));
        auditor.flushSummary();
        auditor.close();
        List<AuditEvent> handshakes = records.stream().filter(e -> B4aeAuditor.HANDSHAKE.equals(e.action())).toList();
        assertEquals(1, handshakes.size(), "only the authenticated handshake is recorded on its own: " + records);
        assertEquals("success", handshakes.get(0).details().get("outcome"));
        assertEquals("alice", handshakes.get(0).peerId());
        AuditEvent summary = records.stream().filter(e -> B4aeAuditor.SUMMARY.equals(e.action())).findFirst()
                .orElseThrow(() -> new AssertionError("no summary: " + records));
        long refused = Long.parseLong(summary.details().getOrDefault("handshake_refused.mode_a.unknown-peer", "0"));
        assertTrue(refused >= 3, "the refusals are counted in the summary: " + summary);
    }
}
