package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import io.aethercore.api.crypto.AeadAlgorithm;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * §5.6: the AEAD of DATA records is negotiated in the handshake. AES-256-GCM when both sides offer it, else
 * ChaCha20-Poly1305; the offer and the choice are in the transcript, so a changed byte fails the handshake.
 */
class TransportAeadTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    @Test
    void hardwareAesFollowsHotSpotsProductFlagsAndRespectsVisibleIntrinsicSwitches() {
        // the product flags as this JVM reports them (the diagnostic ones are hidden without UnlockDiagnosticVMOptions)
        Boolean aes = TransportAead.vmFlag("UseAES");
        assertTrue(aes != null, "UseAES is a product flag and readable");
        assertEquals(aes && !Boolean.FALSE.equals(TransportAead.vmFlag("UseCLMUL")), TransportAead.aesIntrinsics());
        java.util.Map<String, Boolean> on = java.util.Map.of("UseAES", true, "UseCLMUL", true);
        assertTrue(TransportAead.decide(on::get), "intrinsics hidden: they follow the CPU flags");
        assertTrue(TransportAead.decide(java.util.Map.of("UseAES", true)::get), "no UseCLMUL outside x86");
        assertTrue(!TransportAead.decide(java.util.Map.of("UseCLMUL", true)::get), "no AES instructions");
        assertTrue(!TransportAead.decide(java.util.Map.of("UseAES", true, "UseCLMUL", false)::get), "no CLMUL");
        assertTrue(!TransportAead.decide(java.util.Map.of("UseAES", true, "UseAESIntrinsics", false)::get),
                "-XX:-UseAESIntrinsics");
        assertTrue(!TransportAead.decide(java.util.Map.of("UseAES", true, "UseGHASHIntrinsics", false)::get),
                "-XX:-UseGHASHIntrinsics");
        assertTrue(!TransportAead.decide(name -> null), "not HotSpot: no claim");
    }

    private Nodes.Pair udpPair() throws Exception {
        UdpTransport ta = nodes.track(new UdpTransport(new InetSocketAddress("127.0.0.1", 0)));
        UdpTransport tb = nodes.track(new UdpTransport(new InetSocketAddress("127.0.0.1", 0)));
        return nodes.pair(ta, tb, Nodes.settings(), Nodes.settings());
    }

    private static AeadAlgorithm aead(Session s) {
        return ((B4aeSession) s).recordAead();
    }

    private static void roundTrip(Nodes.Pair p, Session a) throws Exception {
        byte[] big = new byte[16 * 1024];
        new java.util.Random(7).nextBytes(big);
        a.send(big);
        Session b = p.bob().accept(Duration.ofSeconds(5));
        assertArrayEquals(big, b.receive(Duration.ofSeconds(5)));
        b.send("back".getBytes());
        assertArrayEquals("back".getBytes(), a.receive(Duration.ofSeconds(5)));
        assertEquals(aead(a), aead(b), "both sides seal with the same AEAD");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void bothOfferingAesGetAes(Mode mode) throws Exception {
        nodes.suite("alice", Nodes.SUITE_AES).suite("bob", Nodes.SUITE_AES);
        Nodes.Pair p = udpPair();
        Session a = p.alice().connect("bob", mode);
        assertEquals(AeadAlgorithm.AES_256_GCM, aead(a));
        roundTrip(p, a);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void oneSideWithoutAesGetsChaCha(Mode mode) throws Exception {
        nodes.suite("alice", Nodes.SUITE_AES); // bob: ChaCha20-Poly1305 only
        Nodes.Pair p = udpPair();
        Session a = p.alice().connect("bob", mode);
        assertEquals(AeadAlgorithm.CHACHA20_POLY1305, aead(a));
        roundTrip(p, a);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theOfferAndTheChoiceAreAuthenticated(Mode mode) throws Exception {
        StaticKeys alice = Nodes.keys("alice");
        StaticKeys bob = Nodes.keys("bob");
        PinnedTrustStore trustB = Nodes.trust();
        Nodes.pin(trustB, "alice", null);
        byte[] ss = alice.agree(bob.x25519());
        int both = Mode.A.bit() | Mode.B.bit();

        // honest: both offer AES-256-GCM, bob chooses it, alice accepts
        var init = Handshakes.Initiator.start(Nodes.SUITE_AES, alice, mode, both, mode.bit(), 5, "bob", bob.x25519(),
                bob.mldsa(), ss, Handshakes.timestamp(java.time.Instant.now()));
        assertTrue((init.body()[2] & Wire.OFFER_AES_GCM) != 0, "INIT offers AES-256-GCM");
        var resp = Handshakes.Responder.respond(Nodes.SUITE_AES, bob, trustB, java.time.Instant.now(), init.body(), 6,
                both, (k, t) -> true, k -> ss);
        assertEquals(Wire.TRANSPORT_AES_256_GCM, resp.resp()[3]);
        assertEquals(AeadAlgorithm.AES_256_GCM, init.onResponse(Nodes.SUITE_AES, alice, resp.resp()).keys().aead());

        // an on-path attacker clears the offer bit to force the slower AEAD. Mode A: INIT's head is under its first
        // AEAD, bob refuses it. Mode B: bob answers ChaCha20-Poly1305 over a transcript alice does not share, and
        // alice refuses RESP
        var init2 = Handshakes.Initiator.start(Nodes.SUITE_AES, alice, mode, both, mode.bit(), 7, "bob", bob.x25519(),
                bob.mldsa(), ss, Handshakes.timestamp(java.time.Instant.now().plusMillis(5)));
        byte[] stripped = init2.body().clone();
        stripped[2] &= (byte) ~Wire.OFFER_AES_GCM;
        if (mode == Mode.A) {
            assertThrows(HandshakeException.class, () -> Handshakes.Responder.respond(Nodes.SUITE_AES, bob, trustB,
                    java.time.Instant.now(), stripped, 8, both, (k, t) -> true, k -> ss));
        } else {
            var resp2 = Handshakes.Responder.respond(Nodes.SUITE_AES, bob, trustB, java.time.Instant.now(), stripped, 8,
                    both, (k, t) -> true, k -> ss);
            assertEquals(Wire.TRANSPORT_CHACHA20_POLY1305, resp2.resp()[3]);
            assertThrows(HandshakeException.class, () -> init2.onResponse(Nodes.SUITE_AES, alice, resp2.resp()));
        }

        // the attacker changes RESP's choice instead: the transcript fails too
        var init3 = Handshakes.Initiator.start(Nodes.SUITE_AES, alice, mode, both, mode.bit(), 9, "bob", bob.x25519(),
                bob.mldsa(), ss, Handshakes.timestamp(java.time.Instant.now().plusMillis(10)));
        var resp3 = Handshakes.Responder.respond(Nodes.SUITE_AES, bob, trustB, java.time.Instant.now(), init3.body(), 10,
                both, (k, t) -> true, k -> ss);
        byte[] flipped = resp3.resp().clone();
        flipped[3] = Wire.TRANSPORT_CHACHA20_POLY1305;
        assertThrows(HandshakeException.class, () -> init3.onResponse(Nodes.SUITE_AES, alice, flipped));
    }

    @Test
    void theResponderCannotChooseWhatWasNotOffered() throws Exception {
        StaticKeys alice = Nodes.keys("alice");
        StaticKeys bob = Nodes.keys("bob");
        PinnedTrustStore trustB = Nodes.trust();
        Nodes.pin(trustB, "alice", null);
        byte[] ss = alice.agree(bob.x25519());
        // alice offers ChaCha20-Poly1305 only
        var init = Handshakes.Initiator.start(Nodes.SUITE, alice, Mode.A, Mode.A.bit(), Mode.A.bit(), 11, "bob",
                bob.x25519(), null, ss, Handshakes.timestamp(java.time.Instant.now()));
        assertEquals(0, init.body()[2] & Wire.OFFER_AES_GCM, "no AES offer in INIT");
        var resp = Handshakes.Responder.respond(Nodes.SUITE_AES, bob, trustB, java.time.Instant.now(), init.body(), 12,
                Mode.A.bit(), (k, t) -> true, k -> ss);
        assertEquals(Wire.TRANSPORT_CHACHA20_POLY1305, resp.resp()[3], "bob does not choose what was not offered");
        byte[] forged = resp.resp().clone();
        forged[3] = Wire.TRANSPORT_AES_256_GCM;
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> init.onResponse(Nodes.SUITE, alice, forged));
        assertTrue(e.getMessage().contains("did not offer"), e.getMessage());
    }
}
