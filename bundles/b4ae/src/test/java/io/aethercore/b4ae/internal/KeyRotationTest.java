package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.B4aeException;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyCustody;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 6: the node's own identity-key rotation (docs/b4ae-protocol.md §1.2) end to end: alice rotates,
 * the peers with a session learn the new keys from the announcement, the old keys keep working for the overlap
 * and no longer.
 */
class KeyRotationTest {

    private final Nodes nodes = new Nodes();
    private final InMemoryNetwork net = new InMemoryNetwork();
    private final RotationLab.FakeClock clock = new RotationLab.FakeClock(Instant.now());

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    private InMemoryNetwork.Endpoint endpoint(int n) {
        return nodes.track(net.endpoint(Nodes.mem(n)));
    }

    /** A plain peer of alice: its engine, pinned to alice's current keys. */
    private B4aeEngine peer(String name, int n, RotationLab.Rotating alice, StaticKeys aliceKeys) {
        PinnedTrustStore t = Nodes.trust();
        RotationLab.pin(t, "alice", aliceKeys, Nodes.mem(1));
        Nodes.pin(alice.trust(), name, Nodes.mem(n));
        B4aeEngine e = nodes.node(name, t, Nodes.settings().handshakeAttempts(2).handshakeRetryMs(300));
        e.setTransport(endpoint(n));
        return e;
    }

    private RotationLab.Rotating alice(KeyCustody custody) throws Exception {
        return RotationLab.start(nodes, "alice", custody, dir, endpoint(1), Nodes.settings(), clock, Nodes.trust());
    }

    private static void roundTrip(Session a, Session b, String text) throws Exception {
        a.send(text.getBytes());
        assertArrayEquals(text.getBytes(), b.receive(Duration.ofSeconds(5)));
        b.send(("re:" + text).getBytes());
        assertArrayEquals(("re:" + text).getBytes(), a.receive(Duration.ofSeconds(5)));
    }

    @Test
    void rotationKeepsTheSessionPeersLearnTheNewKeysAndNewHandshakesUseThem() throws Exception {
        KeyCustody custody = RotationLab.custody();
        RotationLab.Rotating alice = alice(custody);
        StaticKeys gen0 = alice.engine().staticKeys();
        B4aeEngine bob = peer("bob", 2, alice, gen0);
        Session atBob = bob.connect("alice", Mode.B);
        Session atAlice = alice.engine().accept(Duration.ofSeconds(5));
        roundTrip(atBob, atAlice, "before");

        KeyRotation.Plan p = alice.rotation().rotate();
        assertEquals(0, p.oldGeneration());
        assertEquals(1, p.newGeneration());
        assertEquals(java.util.List.of("bob"), p.peers());
        StaticKeys gen1 = alice.engine().staticKeys();
        assertNotEquals(gen0.x25519(), gen1.x25519());
        assertTrue(custody.find("b4ae-x25519-g1").isPresent(), "generation 1 lives under <label>-g1");
        assertTrue(custody.find("b4ae-mldsa87-g1").isPresent());
        RotationLab.await(() -> alice.rotation().acknowledged().contains("bob"), "bob's acknowledgement");

        roundTrip(atBob, atAlice, "after");                       // the session made with generation 0 goes on
        Instant now = Instant.now();
        assertEquals(gen1.x25519(), bob.trustStore().current("alice", KeyAlgorithm.X25519, now).orElseThrow());
        assertEquals(gen1.mldsa(), bob.trustStore().current("alice", KeyAlgorithm.ML_DSA_87, now).orElseThrow());
        assertTrue(bob.trustStore().peerFor(gen0.x25519(), now).isPresent(), "the old pin is kept for the overlap");
        assertEquals(1, bob.announcements().learned().get("alice").generation());

        for (Mode m : Mode.values()) {                           // new handshakes, both ways, with generation 1
            atBob.close();
            Session s = bob.connect("alice", m);
            atAlice = alice.engine().accept(Duration.ofSeconds(5));
            if (m == Mode.B) {
                assertEquals(gen1.mldsa().fingerprint(), s.info().peerKeyFingerprint());
            } else {
                assertEquals(gen1.x25519().fingerprint(), s.info().peerKeyFingerprint());
            }
            roundTrip(s, atAlice, "new-" + m);
            atBob = s;
        }
        atAlice.close();
        Session fromAlice = alice.engine().connect("bob", Mode.B);
        assertEquals("bob", fromAlice.info().peer(), "bob knows alice's new keys when she initiates");
    }

    @Test
    void duringTheOverlapTheOldPinWorksAndAfterItTheOldKeysAreRefusedAndDeleted() throws Exception {
        KeyCustody custody = RotationLab.custody();
        RotationLab.Rotating alice = alice(custody);
        StaticKeys gen0 = alice.engine().staticKeys();
        B4aeEngine carol = peer("carol", 3, alice, gen0);
        B4aeEngine dave = peer("dave", 4, alice, gen0);
        alice.rotation().rotate();                                // neither has a session: nobody is told

        for (Mode m : Mode.values()) {                            // carol still has generation 0 pinned
            Session s = carol.connect("alice", m);
            roundTrip(s, alice.engine().accept(Duration.ofSeconds(5)), "overlap-" + m);
            if (m == Mode.A) {
                s.close();
            }
        }
        alice.rotation().tick();                                  // carol now has a session: she is told
        RotationLab.await(() -> alice.rotation().acknowledged().contains("carol"), "carol's acknowledgement");

        clock.advance(Duration.ofDays(7).plusSeconds(1));
        alice.rotation().tick();                                  // the overlap is over
        assertNull(alice.engine().previousKeys());
        assertFalse(custody.find("b4ae-x25519").isPresent(), "generation 0 is deleted from the custody");
        assertFalse(custody.find("b4ae-mldsa87").isPresent());
        assertNull(KeyGeneration.loadOrStart(alice.generationFile(), clock.instant()).previousUntil());

        B4aeException refused = assertThrows(B4aeException.class, () -> dave.connect("alice", Mode.A),
                "dave never learned generation 1: the old key is refused now");
        assertEquals("timeout", refused.reason());
        Session s = carol.connect("alice", Mode.A);                // carol learned generation 1
        roundTrip(s, alice.engine().accept(Duration.ofSeconds(5)), "carol-gen1");
    }

    @Test
    void aRestartDuringTheOverlapAnswersBothGenerations() throws Exception {
        KeyCustody custody = RotationLab.custody();
        RotationLab.Rotating first = alice(custody);
        StaticKeys gen0 = first.engine().staticKeys();
        first.rotation().rotate();
        StaticKeys gen1 = first.engine().staticKeys();
        first.engine().close();

        RotationLab.Rotating alice = RotationLab.start(nodes, "alice", custody, dir, endpoint(5), Nodes.settings(),
                clock, Nodes.trust());
        assertEquals(1, alice.engine().keyGeneration());
        assertEquals(gen1.x25519(), alice.engine().staticKeys().x25519(), "the generation file picks the keys");
        assertEquals(gen0.x25519(), alice.engine().previousKeys().x25519());
        B4aeEngine bob = nodes.node("bob", Nodes.trust(), Nodes.settings());
        RotationLab.pin(bob.trustStore(), "alice", gen0, Nodes.mem(5));
        Nodes.pin(alice.trust(), "bob", Nodes.mem(6));
        bob.setTransport(endpoint(6));
        Session s = bob.connect("alice", Mode.B);
        roundTrip(s, alice.engine().accept(Duration.ofSeconds(5)), "restarted");
        KeyRotation.RotationRefused again = assertThrows(KeyRotation.RotationRefused.class, alice.rotation()::rotate);
        assertTrue(again.getMessage().contains("still accepted until"), again.getMessage());
    }

    @Test
    void aLearnedKeySurvivesTheRestartOfThePeer() throws Exception {
        KeyCustody custody = RotationLab.custody();
        RotationLab.Rotating alice = alice(custody);
        StaticKeys gen0 = alice.engine().staticKeys();
        B4aeEngine bob = peer("bob", 2, alice, gen0);
        Path learnedFile = LearnedKeys.file(dir, "bob");
        bob.announcements().setLearned(LearnedKeys.load(learnedFile));
        bob.connect("alice", Mode.A);
        alice.engine().accept(Duration.ofSeconds(5));
        alice.rotation().rotate();
        RotationLab.await(() -> alice.rotation().acknowledged().contains("bob"), "bob's acknowledgement");
        assertTrue(Files.readString(learnedFile).contains("alice 1 "), Files.readString(learnedFile));
        bob.close();
        clock.advance(Duration.ofDays(8));
        alice.rotation().tick();                                 // only generation 1 is answered from here

        PinnedTrustStore restarted = Nodes.trust();               // bob's configuration: alice's old entry
        RotationLab.pin(restarted, "alice", gen0, Nodes.mem(1));
        LearnedKeys reloaded = LearnedKeys.load(learnedFile);
        assertEquals(1, reloaded.applyTo(restarted));
        B4aeEngine bob2 = nodes.node("bob", restarted, Nodes.settings());
        bob2.setTransport(endpoint(7));
        Nodes.pin(alice.trust(), "bob", Nodes.mem(7));
        Session s = bob2.connect("alice", Mode.B);
        roundTrip(s, alice.engine().accept(Duration.ofSeconds(5)), "after-restart");
    }
}
