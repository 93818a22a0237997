package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.crypto.KeyAlgorithm;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The FINISH with the initiator's key included (docs/b4ae-protocol.md §3.4, §5.2), message by message. */
class EnrolmentFinishTest {

    private static final Suite S = Nodes.SUITE;
    private static final int BOTH = Mode.A.bit() | Mode.B.bit();
    private static final Enrolment OPEN = new Enrolment(true, name -> true);

    private final StaticKeys alice = Nodes.keys("alice");
    private final StaticKeys bob = Nodes.keys("bob");
    private final StaticKeys carol = Nodes.keys("carol");

    private record Run(Handshakes.Responder responder, byte[] finish) {}

    /** INIT and RESP of a Mode B handshake from alice to bob; FINISH with {@code included} (null: plain). */
    private Run run(PinnedTrustStore bobsTrust, io.aethercore.api.crypto.RawPublicKey included) throws Exception {
        Handshakes.Initiator i = Handshakes.Initiator.start(S, alice, Mode.B, BOTH, Mode.B.bit(), 5, "bob",
                bob.x25519(), bob.mldsa(), null, Handshakes.timestamp(Instant.now()));
        if (included != null) {
            i.includeKey(included);
        }
        Handshakes.Responder r = Handshakes.Responder.respond(S, bob, bobsTrust, Instant.now(), i.body(), 6, BOTH,
                (k, t) -> true, k -> null);
        return new Run(r, i.onResponse(S, alice, r.resp()).finish());
    }

    @Test
    void sizesAndFlag() throws Exception {
        assertEquals(2592 + 22, Wire.MLDSA87_SPKI_LEN);
        assertEquals(KeyAlgorithm.ML_DSA_87.publicKeyLength() + 22, alice.mldsa().toSpki().length);
        Run plain = run(Nodes.trust(), null);
        assertEquals(4687, plain.finish().length, "the plain FINISH is unchanged");
        assertEquals(0, plain.finish()[2]);
        Run withKey = run(Nodes.trust(), alice.mldsa());
        assertEquals(12 + 32 + 2614 + 4627 + 16, withKey.finish().length);
        assertEquals(1, withKey.finish()[2]);
    }

    @Test
    void unpinnedKeyAcceptedOnlyWhenAllowed() throws Exception {
        Run ok = run(Nodes.trust(), alice.mldsa());
        ok.responder().onFinish(S, Nodes.trust(), Instant.now(), ok.finish(), OPEN);
        assertTrue(ok.responder().complete());
        assertFalse(ok.responder().pinned());
        assertEquals("unpinned-" + alice.mldsa().fingerprint().substring(0, 16), ok.responder().peer());
        assertEquals(alice.mldsa(), ok.responder().peerKey());

        Run refused = run(Nodes.trust(), alice.mldsa());
        HandshakeException e = assertThrows(HandshakeException.class, () ->
                refused.responder().onFinish(S, Nodes.trust(), Instant.now(), refused.finish()));
        assertEquals("unknown-peer", e.reason());
        assertTrue(refused.responder().unpinnedAttempt());

        Run full = run(Nodes.trust(), alice.mldsa());
        e = assertThrows(HandshakeException.class, () -> full.responder().onFinish(S, Nodes.trust(), Instant.now(),
                full.finish(), new Enrolment(true, name -> false)));
        assertEquals("enrollment-full", e.reason());
    }

    @Test
    void includedKeyMustBeTheFingerprintsKey() throws Exception {
        Run r = run(Nodes.trust(), carol.mldsa());        // fp_i is alice's, the key carol's
        HandshakeException e = assertThrows(HandshakeException.class, () ->
                r.responder().onFinish(S, Nodes.trust(), Instant.now(), r.finish(), OPEN));
        assertEquals("key-mismatch", e.reason());
        assertTrue(r.responder().unpinnedAttempt());
        assertFalse(r.responder().complete());
    }

    @Test
    void pinnedInitiatorWithKeyIncludedTakesThePinnedPath() throws Exception {
        PinnedTrustStore trust = Nodes.trust();
        Nodes.pin(trust, "alice", null);
        Run same = run(trust, alice.mldsa());
        same.responder().onFinish(S, trust, Instant.now(), same.finish(), Enrolment.REFUSE);
        assertTrue(same.responder().pinned());
        assertEquals("alice", same.responder().peer());

        Run other = run(trust, carol.mldsa());
        HandshakeException e = assertThrows(HandshakeException.class, () ->
                other.responder().onFinish(S, trust, Instant.now(), other.finish(), OPEN));
        assertEquals("key-mismatch", e.reason());
        assertFalse(other.responder().unpinnedAttempt());
    }

    @Test
    void flagAndLengthMustAgree() throws Exception {
        Run plain = run(Nodes.trust(), null);
        byte[] f = plain.finish().clone();
        f[2] = 1;
        HandshakeException e = assertThrows(HandshakeException.class, () ->
                plain.responder().onFinish(S, Nodes.trust(), Instant.now(), f, OPEN));
        assertEquals("malformed", e.reason());
        Run withKey = run(Nodes.trust(), alice.mldsa());
        byte[] g = withKey.finish().clone();
        g[2] = 2;
        e = assertThrows(HandshakeException.class, () ->
                withKey.responder().onFinish(S, Nodes.trust(), Instant.now(), g, OPEN));
        assertEquals("malformed", e.reason());
    }
}
