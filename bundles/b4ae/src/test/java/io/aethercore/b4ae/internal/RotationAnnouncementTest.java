package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyCustody;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rotation announcement (§1.2) as hostile input: a peer pins new keys only from an announcement signed by
 * the key it has pinned and by the new key; everything else is dropped and counted, the pins unchanged.
 */
class RotationAnnouncementTest {

    private final Nodes nodes = new Nodes();
    private final InMemoryNetwork net = new InMemoryNetwork();

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    @Test
    void forgedTamperedAndNewKeyOnlyAnnouncementsAreRefusedAndCounted() throws Exception {
        KeyCustody custody = RotationLab.custody();
        RotationLab.Rotating alice = RotationLab.start(nodes, "alice", custody, dir, nodes.track(net.endpoint(Nodes.mem(1))),
                Nodes.settings(), new RotationLab.FakeClock(Instant.now()), Nodes.trust());
        StaticKeys gen0 = alice.engine().staticKeys();
        PinnedTrustStore trustB = Nodes.trust();
        RotationLab.pin(trustB, "alice", gen0, Nodes.mem(1));
        Nodes.pin(alice.trust(), "bob", Nodes.mem(2));
        B4aeEngine bob = nodes.node("bob", trustB, Nodes.settings());
        CountingObserver seen = new CountingObserver();
        bob.setObserver(seen);
        bob.setTransport(nodes.track(net.endpoint(Nodes.mem(2))));
        bob.connect("alice", Mode.A);
        alice.engine().accept(Duration.ofSeconds(5));
        B4aeSession toBob = alice.engine().session("bob");

        StaticKeys next = EndpointRotation.factory(custody, custody, alice.settings()).create(1);
        StaticKeys mallory = Nodes.keys("mallory");
        Instant now = Instant.now();
        byte[] valid = RotationAnnouncement.create(gen0, next, 1, now);

        byte[] forged = RotationAnnouncement.create(mallory, next, 1, now);        // mallory's old key
        byte[] claimed = forged.clone();                                            // ... naming alice's
        System.arraycopy(HexFormat.of().parseHex(gen0.mldsa().fingerprint()), 0, claimed, RotationAnnouncement.FP_OFF, 32);
        byte[] tampered = valid.clone();
        tampered[RotationAnnouncement.X_OFF] ^= 1;                                  // another X25519 key
        byte[] newOnly = valid.clone();                                             // both signatures by the new key
        System.arraycopy(valid, RotationAnnouncement.SIGNED_LEN + RotationAnnouncement.SIG, newOnly,
                RotationAnnouncement.SIGNED_LEN, RotationAnnouncement.SIG);
        byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
        byte[][] bad = {forged, claimed, tampered, newOnly, trailing};
        for (byte[] b : bad) {
            alice.engine().announcements().send(toBob, b);
        }
        RotationLab.await(() -> bob.announcements().refused() == bad.length, "the refusals");
        assertEquals(bad.length, seen.get("dropped." + KeyAnnouncements.DROP), seen.toString());
        Instant t = Instant.now();
        assertEquals(gen0.x25519(), trustB.current("alice", KeyAlgorithm.X25519, t).orElseThrow(), "pins unchanged");
        assertEquals(gen0.mldsa(), trustB.current("alice", KeyAlgorithm.ML_DSA_87, t).orElseThrow());
        assertTrue(trustB.peerFor(next.x25519(), t).isEmpty());
        assertEquals(null, bob.announcements().learned().get("alice"));

        alice.engine().announcements().send(toBob, valid);                          // the genuine one
        RotationLab.await(() -> bob.announcements().accepted() == 1, "the genuine announcement");
        assertEquals(next.x25519(), trustB.current("alice", KeyAlgorithm.X25519, Instant.now()).orElseThrow());
        assertEquals(bad.length, bob.announcements().refused());
        alice.engine().announcements().send(toBob, valid);                          // a resend: acknowledged again
        alice.engine().announcements().send(toBob, RotationAnnouncement.create(gen0, mallory, 1, now)); // other keys
        RotationLab.await(() -> bob.announcements().refused() == bad.length + 1, "the stale generation");
        assertEquals(next.x25519(), trustB.current("alice", KeyAlgorithm.X25519, Instant.now()).orElseThrow());
    }

    @Test
    void parsingIsStrict() throws Exception {
        StaticKeys old = Nodes.keys("alice");
        StaticKeys next = Nodes.keys("bob");
        byte[] valid = RotationAnnouncement.create(old, next, 3, Instant.ofEpochSecond(1_700_000_000L));
        assertEquals(RotationAnnouncement.LENGTH, valid.length);
        RotationAnnouncement a = RotationAnnouncement.parse(valid);
        assertEquals(3, a.generation());
        assertEquals(next.x25519(), a.x25519());
        assertEquals(next.mldsa(), a.mldsa());
        assertEquals(old.mldsa().fingerprint(), a.oldFingerprintHex());
        a.verify(Nodes.SUITE.signatures(), old.mldsa());

        assertEquals("length", refused(Arrays.copyOf(valid, valid.length - 1)));
        assertEquals("length", refused(Arrays.copyOf(valid, valid.length + 1)));
        assertEquals("length", refused(new byte[0]));
        for (int i = 0; i < 4; i++) {
            byte[] b = valid.clone();
            b[i] ^= 0x40;                                                          // format, reserved bytes
            assertEquals("format", refused(b));
        }
        byte[] zero = valid.clone();
        Arrays.fill(zero, 4, 8, (byte) 0);                                          // generation 0
        assertEquals("format", refused(zero));
        byte[] negative = valid.clone();
        negative[8] = (byte) 0x80;                                                  // time before the epoch
        assertEquals("format", refused(negative));
        RotationAnnouncement.Refused wrongKey = assertThrows(RotationAnnouncement.Refused.class,
                () -> a.verify(Nodes.SUITE.signatures(), next.mldsa()));
        assertEquals("unknown-key", wrongKey.reason());

        byte[] ack = a.ack();
        assertTrue(RotationAnnouncement.acknowledges(ack, 3, next.x25519()));
        assertFalse(RotationAnnouncement.acknowledges(ack, 2, next.x25519()));
        assertFalse(RotationAnnouncement.acknowledges(ack, 3, old.x25519()));
        assertFalse(RotationAnnouncement.acknowledges(Arrays.copyOf(ack, ack.length + 1), 3, next.x25519()));
        byte[] reserved = ack.clone();
        reserved[2] = 1;
        assertFalse(RotationAnnouncement.acknowledges(reserved, 3, next.x25519()));
    }

    private static String refused(byte[] b) {
        return assertThrows(RotationAnnouncement.Refused.class, () -> RotationAnnouncement.parse(b)).reason();
    }
}
