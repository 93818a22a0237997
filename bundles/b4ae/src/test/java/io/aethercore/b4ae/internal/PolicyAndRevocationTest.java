package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.B4aeException;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.PinnedKey;
import io.aethercore.api.b4ae.Session;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 items 5 and 6 against real UDP on loopback: the per-peer mode policy holds on the responder too, Mode
 * B is the default between two nodes that can both do it, and a configuration change that removes a peer (or a
 * key) revokes it at once; first-seen times survive a restart so that the 90-day age limit really expires.
 */
class PolicyAndRevocationTest {

    private final List<ChannelHost> hosts = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        hosts.forEach(ChannelHost::deactivate);
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private static B4aeSettings.Builder base(String name, List<String> peers) {
        // the builder's defaults are the shipped ones (preferred mode included); only timings are shortened
        return ChannelHostTest.settings(name, peers).toBuilder().preferred(B4aeSettings.builder().build().preferred())
                .handshakeRetryMs(200).handshakeAttempts(2);
    }

    private ChannelHost host(B4aeSettings s) throws Exception {
        ChannelHost h = new ChannelHost(null, s);
        hosts.add(h);
        h.activate();
        ChannelHostTest.bindCrypto(h);
        h.bindCustody(ChannelHostTest.custody(), Map.of());
        UdpTransport t = new UdpTransport(new InetSocketAddress("127.0.0.1", 0));
        closeables.add(t);
        h.bindTransport(t, Map.of());
        assertNotNull(h.engine(), "endpoint " + s.name() + " started");
        return h;
    }

    private static String entry(ChannelHost h, String extra) {
        return PeerSpec.describe(h.engine().nodeName(), h.engine().localAddress(), h.engine().staticKeys()) + extra;
    }

    /** Two endpoints a and b pinned to each other; {@code bExtra} is appended to a's entry on b. */
    private ChannelHost[] pair(String bExtra) throws Exception {
        ChannelHost b = host(base("b", List.of()).build());
        b.engine().setNodeName("b");
        ChannelHost a = host(base("a", List.of(entry(b, ""))).build());
        a.engine().setNodeName("a");
        b.modified(base("b", List.of(entry(a, bExtra))).build());
        return new ChannelHost[] {a, b};
    }

    @Test
    void modeBIsTheDefaultBetweenTwoNodesThatCanDoIt() throws Exception {
        assertEquals(Mode.B, B4aeSettings.builder().build().preferred(), "shipped preferred mode");
        ChannelHost[] p = pair("");
        Session s = p[0].engine().connect("b", (Mode) null);
        assertEquals(Mode.B, s.info().mode(), "two Mode-B-capable nodes talk post-quantum without being told to");
        Session atB = p[1].engine().accept(Duration.ofSeconds(5));
        assertEquals(Mode.B, atB.info().mode());
    }

    @Test
    void responderRefusesAModeTheInitiatorsEntryDoesNotAllow() throws Exception {
        ChannelHost[] p = pair(";modes=mode_b");                 // b allows only Mode B for a
        CountingObserver seen = new CountingObserver();
        p[1].engine().setObserver(seen);
        // the exploit: a (or whoever holds a's X25519 key) asks for the classical mode; before the fix b accepted
        B4aeException e = assertThrows(B4aeException.class, () -> p[0].engine().connect("b", Mode.A));
        assertNotNull(e.getMessage());
        assertTrue(seen.get("failed.mode-policy") >= 1, "b refused on its own policy: " + seen.counts);
        assertTrue(p[1].engine().sessions().isEmpty(), "no Mode A session on the responder");
        Session s = p[0].engine().connect("b", Mode.B);
        assertEquals(Mode.B, s.info().mode(), "Mode B is still let in");
    }

    @Test
    void modeBOnlyNodeRefusesModeA() throws Exception {
        ChannelHost b = host(base("b", List.of()).supported(java.util.EnumSet.of(Mode.B)).build());
        b.engine().setNodeName("b");
        ChannelHost a = host(base("a", List.of(entry(b, ""))).build());
        a.engine().setNodeName("a");
        b.modified(base("b", List.of(entry(a, ""))).supported(java.util.EnumSet.of(Mode.B)).build());
        assertThrows(B4aeException.class, () -> a.engine().connect("b", Mode.A));
        assertEquals(Mode.B, a.engine().connect("b", (Mode) null).info().mode());
    }

    @Test
    void removingAPeerFromTheConfigurationClosesItsSessionAtOnce() throws Exception {
        ChannelHost[] p = pair("");
        Session s = p[0].engine().connect("b", (Mode) null);
        s.send("before".getBytes());
        Session atB = p[1].engine().accept(Duration.ofSeconds(5));
        assertArrayEquals("before".getBytes(), atB.receive(Duration.ofSeconds(5)));

        p[1].modified(base("b", List.of()).build());             // the operator deletes a's entry

        assertFalse(atB.isOpen(), "b closed the revoked peer's session at once");
        assertFalse(p[1].trust().peers().contains("a"), "a is no longer pinned on b");
        assertTrue(Await.until(() -> !s.isOpen(), 5000), "a learns of the close (CLOSE record)");
        assertThrows(B4aeException.class, () -> p[0].engine().connect("b", (Mode) null),
                "a cannot open a new session to b");
    }

    @Test
    void droppingAKeyFromAnEntryUnpinsItButKeepsKeysPinnedElsewhere() throws Exception {
        ChannelHost[] p = pair("");
        Session s = p[0].engine().connect("b", Mode.B);
        Session atB = p[1].engine().accept(Duration.ofSeconds(5));
        // the TrustStore service (enrollment, console) pinned an extra key: configuration changes leave it alone
        var extra = Nodes.keys("carol").x25519();
        p[1].trust().pin("carol", extra, Instant.now().minusSeconds(10));
        String withoutMldsa = entry(p[0], "").replaceAll(";mldsa87=[^;]*", "");
        p[1].modified(base("b", List.of(withoutMldsa)).build());
        assertTrue(p[1].trust().current("a", KeyAlgorithm.ML_DSA_87, Instant.now()).isEmpty(), "ML-DSA-87 key unpinned");
        assertFalse(atB.isOpen(), "the Mode B session made with the unpinned key is closed");
        assertTrue(p[1].trust().current("carol", KeyAlgorithm.X25519, Instant.now()).isPresent(), "service pins stay");
        assertNotNull(s);
    }

    @Test
    void firstSeenTimesSurviveARestartAndARemoveAndReAdd() throws Exception {
        Path dir = Files.createTempDirectory("b4ae-state");
        ChannelHost b = host(base("b", List.of()).build());
        String bEntry = entry(b, "");                           // no valid_from
        B4aeSettings a1 = base("a", List.of(bEntry)).stateDir(dir.toString()).build();
        ChannelHost first = new ChannelHost(null, a1);
        Instant seen = first.trust().keys("b").get(0).validFrom();
        Path file = ChannelHost.stateFile(null, a1);
        assertTrue(Files.isRegularFile(file), "first-seen times written to keys.storage_path");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)));
        first.modified(base("a", List.of()).stateDir(dir.toString()).build());       // removed
        first.modified(a1);                                                           // and added again
        assertEquals(seen, first.trust().keys("b").get(0).validFrom(), "re-adding does not make the key young");
        ChannelHost restarted = new ChannelHost(null, a1);
        for (PinnedKey k : restarted.trust().keys("b")) {
            assertEquals(seen, k.validFrom(), "a restart keeps the age of " + k.key().algorithm());
        }
    }

    @Test
    void aKeyFirstSeenLongerAgoThanRotationPlusOverlapIsNoLongerAccepted() throws Exception {
        Path dir = Files.createTempDirectory("b4ae-state");
        ChannelHost b = host(base("b", List.of()).build());
        String bEntry = entry(b, "");
        B4aeSettings s = base("a", List.of(bEntry)).stateDir(dir.toString()).build();
        Instant longAgo = Instant.now().minus(Duration.ofDays(98));
        StringBuilder lines = new StringBuilder("garbage line that must be ignored\n");
        for (var k : List.of(b.engine().staticKeys().x25519(), b.engine().staticKeys().mldsa())) {
            lines.append(k.fingerprint()).append(' ').append(longAgo).append('\n');
        }
        Files.writeString(ChannelHost.stateFile(null, s), lines);
        ChannelHost a = new ChannelHost(null, s);
        assertTrue(a.trust().current("b", KeyAlgorithm.X25519, Instant.now()).isEmpty(),
                "90 + 7 days after it was first seen, a key pinned without valid_from expires");
        assertNull(a.trust().peerFor(b.engine().staticKeys().x25519(), Instant.now()).orElse(null));
    }

    @Test
    void theCookieSecretRotatesOnScheduleAndHandshakesStillComplete() throws Exception {
        ChannelHost b = host(base("b", List.of()).cookieAlways(true).build());
        ChannelHost a = host(base("a", List.of(entry(b, ""))).build());
        b.modified(base("b", List.of(entry(a, ""))).cookieAlways(true).build());
        assertEquals(24, B4aeSettings.builder().build().cookieRotationHours(), "the document's 24 h by default");
        assertTrue(b.rotateCookieSecret(), "what the 24 h schedule runs");
        assertEquals(1, b.cookieRotations());
        Session s = a.engine().connect("b", (Mode) null);           // cookie reply under the new secret
        assertTrue(s.isOpen());
    }

    @Test
    void removingAConfiguredPeerLeavesKeysTheTrustStoreServicePinned() throws Exception {
        ChannelHost[] p = pair("");
        Session s = p[0].engine().connect("b", Mode.B);
        Session atB = p[1].engine().accept(Duration.ofSeconds(5));
        // an extra key for "a", pinned through the TrustStore service (the mesh's enrollment, the console)
        var extra = Nodes.keys("a-next").x25519();
        p[1].trust().pin("a", extra, Instant.now().minusSeconds(10));
        p[1].modified(base("b", List.of()).build());
        assertFalse(atB.isOpen(), "the session made with the configured key is closed");
        assertEquals(List.of(extra), p[1].trust().keys("a").stream().map(PinnedKey::key).toList(),
                "only what the configuration pinned is revoked");
        assertNotNull(s);
    }
}
