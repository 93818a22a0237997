package io.aethercore.b4ae.internal;

import io.aethercore.b4ae.internal.config.B4aeSettings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.B4aeException;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Active attackers: men in the middle, impostors, downgrade (docs/b4ae-protocol.md §2.1, §5, §7). */
class AttackTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    private static B4aeSettings.Builder fast() {
        B4aeSettings.Builder s = Nodes.settings();
        s.handshakeRetryMs(200);
        s.handshakeAttempts(2);
        return s;
    }

    /** An impostor with its own keys answers at bob's address: alice, who pins bob's real keys, never connects. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void impostorResponderWithoutPinnedKeysFails(Mode mode) throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        var ta = nodes.track(net.endpoint(Nodes.mem(1)));
        var tm = nodes.track(net.endpoint(Nodes.mem(2)));     // bob's address, mallory's node
        PinnedTrustStore trustA = Nodes.trust();
        Nodes.pin(trustA, "bob", tm.localAddress());
        PinnedTrustStore trustM = Nodes.trust();
        Nodes.pin(trustM, "alice", ta.localAddress());       // mallory even knows and pins alice
        CountingObserver om = new CountingObserver();
        B4aeEngine alice = nodes.node("alice", trustA, fast());
        B4aeEngine mallory = nodes.node("mallory", trustM, fast());
        mallory.setObserver(om);
        alice.setTransport(ta);
        mallory.setTransport(tm);
        B4aeException e = assertThrows(B4aeException.class, () -> alice.connect("bob", mode));
        assertEquals("timeout", e.reason());
        assertEquals(0, om.get("completed." + mode + ".r"));
        assertTrue(om.get("dos.mac1") > 0, "mallory cannot even pass mac1 (it is keyed by bob's public key): " + om);
    }

    /** An initiator whose keys are not pinned is refused (no trust on first use by default). */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void unpinnedInitiatorIsRefused(Mode mode) throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        var tm = nodes.track(net.endpoint(Nodes.mem(3)));
        var tb = nodes.track(net.endpoint(Nodes.mem(2)));
        PinnedTrustStore trustM = Nodes.trust();
        Nodes.pin(trustM, "bob", tb.localAddress());
        PinnedTrustStore trustB = Nodes.trust();
        Nodes.pin(trustB, "alice", Nodes.mem(1));
        CountingObserver ob = new CountingObserver();
        B4aeEngine mallory = nodes.node("mallory", trustM, fast());
        B4aeEngine bob = nodes.node("bob", trustB, fast());
        bob.setObserver(ob);
        mallory.setTransport(tm);
        bob.setTransport(tb);
        assertThrows(B4aeException.class, () -> mallory.connect("bob", mode));
        assertTrue(ob.get("failed.unknown-peer") > 0, ob.toString());
        assertEquals(0, bob.sessions().size());
        assertNull(bob.accept(Duration.ofMillis(10)));
    }

    /**
     * A man in the middle relays everything but swaps the responder's ephemeral key (and, in Mode B, the
     * KEM ciphertext) for its own: the initiator rejects RESP and no session forms.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void ephemeralSubstitutionIsDetected(Mode mode) throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        byte[] evil = Nodes.SUITE.dh().generateEphemeral(io.aethercore.api.crypto.KeyAlgorithm.X25519).publicKey().encoded();
        net.setTap((from, to, d) -> {
            if (d[0] == Wire.T_RESP && d[2] == 0) {
                byte[] x = d.clone();
                System.arraycopy(evil, 0, x, Wire.HS_HEADER + 12, 32); // e_r sits at body offset 12
                return new byte[][] {x};
            }
            return new byte[][] {d};
        });
        CountingObserver oa = new CountingObserver();
        var p = nodes.pair(nodes.track(net.endpoint(Nodes.mem(1))), nodes.track(net.endpoint(Nodes.mem(2))), fast(), fast());
        p.alice().setObserver(oa);
        assertThrows(B4aeException.class, () -> p.alice().connect("bob", mode));
        // the tap leaves mac1 stale, so RESP is dropped at mac1; with mac1 fixed it fails the AEAD: both are rejection
        assertTrue(oa.get("dropped.mac1") + oa.get("failed.decrypt") > 0, oa.toString());
        assertEquals(0, p.alice().sessions().size());
    }

    /** The same substitution with mac1 recomputed by the attacker (mac1 is not a secret): AEAD/signature fail. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void ephemeralSubstitutionWithValidMac1IsDetected(Mode mode) throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        Suite s = Nodes.SUITE;
        byte[] evil = s.dh().generateEphemeral(io.aethercore.api.crypto.KeyAlgorithm.X25519).publicKey().encoded();
        byte[][] ei = new byte[1][];
        net.setTap((from, to, d) -> {
            if (d[0] == Wire.T_INIT && d[2] == 0) {
                ei[0] = Bytes.slice(d, Wire.HS_HEADER + 8, 32);
            }
            if (d[0] == Wire.T_RESP && ei[0] != null) {
                byte[] x = d.clone();
                if (d[2] == 0) {
                    System.arraycopy(evil, 0, x, Wire.HS_HEADER + 12, 32);
                }
                byte[] mac1 = s.mac(CookieGuard.mac1RespKey(s, ei[0]), x, 0, x.length - 32);
                System.arraycopy(mac1, 0, x, x.length - 32, 16);
                return new byte[][] {x};
            }
            return new byte[][] {d};
        });
        CountingObserver oa = new CountingObserver();
        var p = nodes.pair(nodes.track(net.endpoint(Nodes.mem(1))), nodes.track(net.endpoint(Nodes.mem(2))), fast(), fast());
        p.alice().setObserver(oa);
        assertThrows(B4aeException.class, () -> p.alice().connect("bob", mode));
        assertTrue(oa.get("failed.decrypt") > 0, oa.toString());
    }

    /**
     * Downgrade by rewriting the negotiation bytes of INIT (offer {A,B} -> {A}, preference -> A), with mac1
     * recomputed: a Mode B INIT is then refused as a downgrade, a Mode A INIT fails its AEAD (the offer is
     * in the transcript hash).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void rewrittenOfferIsDetected(Mode preferred) throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        Suite s = Nodes.SUITE;
        byte[] bobMac1 = CookieGuard.mac1Key(s, Nodes.keys("bob").x25519());
        // the attacker is on the path: it also reads the COOKIE replies to its rewritten INITs (anyone who knows
        // bob's public key can open them) and sets mac2 on the INITs it rewrites
        List<byte[]> mac1s = new CopyOnWriteArrayList<>();
        byte[][] cookie = new byte[1][];
        net.setTap((from, to, d) -> {
            if (d[0] == Wire.T_INIT) {
                byte[] x = d.clone();
                if (d[2] == 0) {
                    x[Wire.HS_HEADER + 2] = (byte) Mode.A.bit();   // offered: A only
                    x[Wire.HS_HEADER + 3] = (byte) Mode.A.bit();   // preferred: A
                }
                byte[] mac1 = s.mac(bobMac1, x, 0, x.length - 32);
                System.arraycopy(mac1, 0, x, x.length - 32, 16);
                mac1s.add(Bytes.slice(x, x.length - 32, 16));
                if (cookie[0] != null) {
                    byte[] mac2 = s.mac(CookieGuard.mac2Key(s, cookie[0]), x, 0, x.length - 16);
                    System.arraycopy(mac2, 0, x, x.length - 16, 16);
                }
                return new byte[][] {x};
            }
            if (d[0] == Wire.T_COOKIE && cookie[0] == null) {
                cookie[0] = CookieGuard.openCookieReply(s, Nodes.keys("bob").x25519(), d, mac1s.toArray(new byte[0][]));
            }
            return new byte[][] {d};
        });
        B4aeSettings.Builder sa = fast();
        sa.preferred(preferred);
        CountingObserver ob = new CountingObserver();
        var p = nodes.pair(nodes.track(net.endpoint(Nodes.mem(1))), nodes.track(net.endpoint(Nodes.mem(2))), sa, fast());
        p.bob().setObserver(ob);
        assertThrows(B4aeException.class, () -> p.alice().connect("bob", null));
        String expected = preferred == Mode.B ? "failed.downgrade" : "failed.decrypt";
        assertTrue(ob.get(expected) > 0, ob.toString());
        assertEquals(0, p.bob().sessions().size());
    }

    /** Dropping every Mode B message makes the handshake time out; there is no fallback to Mode A. */
    @Test
    void droppingModeBNeverFallsBackToA() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        List<Integer> modesSeen = new CopyOnWriteArrayList<>();
        net.setTap((from, to, d) -> {
            if (d[0] == Wire.T_INIT) {
                modesSeen.add((int) d[1]);
                if (d[1] == Mode.B.bit()) {
                    return new byte[0][];
                }
            }
            return new byte[][] {d};
        });
        B4aeSettings.Builder sa = fast();
        sa.preferred(Mode.B);
        B4aeSettings.Builder sb = fast();
        sb.preferred(Mode.B);
        var p = nodes.pair(nodes.track(net.endpoint(Nodes.mem(1))), nodes.track(net.endpoint(Nodes.mem(2))), sa, sb);
        B4aeException e = assertThrows(B4aeException.class, () -> p.alice().connect("bob", null));
        assertEquals("timeout", e.reason());
        assertTrue(modesSeen.stream().allMatch(m -> m == Mode.B.bit()), "only Mode B INITs were sent: " + modesSeen);
        assertEquals(0, p.bob().sessions().size());
    }

    /** §2.1 at the responder: a Mode A INIT that offers B and prefers B is a downgrade and is refused. */
    @Test
    void responderRefusesModeAWhenNegotiationGivesB() throws Exception {
        Suite s = Nodes.SUITE;
        StaticKeys alice = Nodes.keys("alice");
        StaticKeys bob = Nodes.keys("bob");
        PinnedTrustStore trustB = Nodes.trust();
        Nodes.pin(trustB, "alice", null);
        byte[] ss = alice.agree(bob.x25519());
        int both = Mode.A.bit() | Mode.B.bit();
        var init = Handshakes.Initiator.start(s, alice, Mode.A, both, Mode.B.bit(), 7, "bob", bob.x25519(), bob.mldsa(),
                ss, Handshakes.timestamp(Instant.now()));
        HandshakeException e = assertThrows(HandshakeException.class, () -> Handshakes.Responder.respond(s, bob, trustB,
                Instant.now(), init.body(), 9, both, (k, t) -> true, k -> ss));
        assertEquals("downgrade", e.reason());
        // and the initiator side refuses a RESP whose authenticated supported set makes its mode a downgrade
        assertEquals(Mode.B, Handshakes.select(both, Mode.B.bit(), both));
        assertEquals(Mode.A, Handshakes.select(both, Mode.A.bit(), both));
        assertEquals(Mode.A, Handshakes.select(both, Mode.B.bit(), Mode.A.bit()));
        assertNull(Handshakes.select(Mode.A.bit(), Mode.A.bit(), Mode.B.bit()));
    }

    /** A node that supports only Mode B refuses Mode A, and explicit modes are honoured. */
    @Test
    void modePolicyIsEnforced() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        B4aeSettings.Builder sb = fast();
        sb.supported(EnumSet.of(Mode.B));
        var p = nodes.pair(nodes.track(net.endpoint(Nodes.mem(1))), nodes.track(net.endpoint(Nodes.mem(2))), fast(), sb);
        CountingObserver ob = new CountingObserver();
        p.bob().setObserver(ob);
        assertThrows(B4aeException.class, () -> p.alice().connect("bob", Mode.A));
        assertTrue(ob.get("failed.mode") > 0, ob.toString());
        Session b = p.alice().connect("bob", Mode.B);
        assertEquals(Mode.B, b.info().mode());
        b.send(new byte[] {1, 2, 3});
        Session atBob = p.bob().accept(Duration.ofSeconds(5));
        assertArrayEquals(new byte[] {1, 2, 3}, atBob.receive(Duration.ofSeconds(5)));
    }
}
