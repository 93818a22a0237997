package io.aethercore.b4ae.internal;

import io.aethercore.b4ae.internal.config.B4aeSettings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.crypto.internal.BcAeads;
import io.aethercore.crypto.internal.BcHashing;
import io.aethercore.crypto.internal.BcKdf;
import io.aethercore.crypto.internal.BcKem;
import io.aethercore.crypto.internal.BcKeyAgreement;
import io.aethercore.crypto.internal.BcSignatures;
import io.aethercore.crypto.internal.SoftwareKeyCustody;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The OSGi shell without OSGi: binding order, provider and transport swaps, peers configuration. */
class ChannelHostTest {

    private final List<ChannelHost> hosts = new java.util.ArrayList<>();
    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        hosts.forEach(ChannelHost::deactivate);
        nodes.close();
    }

    static B4aeSettings settings(String name, List<String> peers) {
        return B4aeSettings.builder().name(name).listenAddress("127.0.0.1:0").supported(EnumSet.allOf(Mode.class))
                .preferred(Mode.A).peers(peers).bloomFilterSize(1000).expirySeconds(30).cookieSecret(null)
                .cookieAlways(false).underLoadInitsPerSecond(50).rekeyAfterMessages(1L << 32).rekeyAfterSeconds(120)
                .rejectAfterSeconds(180).keyRotationDays(90).keyOverlapDays(7).maxDatagram(1200)
                .maxReassemblyBytes(4 << 20).handshakeRetryMs(300).handshakeAttempts(5).x25519Label("b4ae-x25519")
                .mldsaLabel("b4ae-mldsa87").x25519Custody("").mldsaCustody("").transport("").trustOnFirstUse(false)
                .ownTransport(false).build();
    }

    ChannelHost host(String name, List<String> peers) throws Exception {
        ChannelHost h = new ChannelHost(null, settings(name, peers));
        hosts.add(h);
        h.activate();
        return h;
    }

    static void bindCrypto(ChannelHost h) {
        h.crypto().hashes().bind(new BcHashing(), Map.of("aethercore.algorithms", new String[] {"BLAKE3", "SHA-256"}));
        h.crypto().kdfs().bind(new BcKdf(), Map.of("aethercore.algorithms", new String[] {"HKDF-SHA256"}));
        h.crypto().aeads().bind(new BcAeads(), Map.of("aethercore.algorithms", new String[] {"ChaCha20-Poly1305"}));
        h.crypto().dhs().bind(new BcKeyAgreement(), Map.of("aethercore.algorithms", new String[] {"X25519"}));
        h.crypto().kems().bind(new BcKem(), Map.of("aethercore.algorithms", new String[] {"ML-KEM-1024"}));
        h.crypto().sigs().bind(new BcSignatures(), Map.of("aethercore.algorithms", new String[] {"ML-DSA-87"}));
        h.cryptoChanged();
    }

    static KeyCustody custody() throws Exception {
        return new SoftwareKeyCustody("software", Files.createTempDirectory("b4ae-host"), null, new SecureRandom());
    }

    @Test
    void startsOnlyWhenCryptoAndCustodyArePresentAndFollowsTransportRanking() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        ChannelHost a = host("a", List.of());
        assertNull(a.engine(), "no providers yet");
        bindCrypto(a);
        assertNull(a.engine(), "no custody yet");
        a.bindCustody(custody(), Map.of());
        assertNotNull(a.engine());
        var low = nodes.track(net.endpoint(Nodes.mem(11)));
        var high = nodes.track(net.endpoint(Nodes.mem(12)));
        a.bindTransport(low, Map.of("service.ranking", 5));
        assertSame(low, a.engine().transport());
        a.bindTransport(high, Map.of("service.ranking", 20));
        assertSame(high, a.engine().transport(), "greedy: the better transport takes over");
        a.unbindTransport(high);
        assertSame(low, a.engine().transport(), "and back when it goes");
        assertEquals(EnumSet.allOf(Mode.class), a.engine().supportedModes());
    }

    @Test
    void peersFromConfigurationConnectAndSessionsSurviveATransportSwap() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        ChannelHost b = host("b", List.of());
        bindCrypto(b);
        b.bindCustody(custody(), Map.of());
        var tb = nodes.track(net.endpoint(Nodes.mem(22)));
        b.bindTransport(tb, Map.of());
        String bEntry = PeerSpec.describe("b", tb.localAddress(), b.engine().staticKeys());
        ChannelHost a = host("a", List.of(bEntry));
        bindCrypto(a);
        a.bindCustody(custody(), Map.of());
        var ta1 = nodes.track(net.endpoint(Nodes.mem(21)));
        a.bindTransport(ta1, Map.of());
        String aEntry = PeerSpec.describe("a", null, a.engine().staticKeys());
        b.modified(withPeers(settings("b", List.of()), List.of(aEntry)));
        for (Mode mode : Mode.values()) {
            Session s = a.engine().connect("b", mode);
            s.send("one".getBytes());
            Session atB = b.engine().accept(Duration.ofSeconds(5));
            assertArrayEquals("one".getBytes(), atB.receive(Duration.ofSeconds(5)));
            var ta2 = nodes.track(net.endpoint(new java.net.InetSocketAddress("10.0.1." + mode.bit(), 4000)));
            a.bindTransport(ta2, Map.of("service.ranking", 50));   // swap under a live session
            s.send("two".getBytes());
            assertArrayEquals("two".getBytes(), atB.receive(Duration.ofSeconds(5)));
            atB.send("back".getBytes());                           // b follows a to its new address
            assertArrayEquals("back".getBytes(), s.receive(Duration.ofSeconds(5)));
            a.unbindTransport(ta2);
            s.close();
            Thread.sleep(50);
        }
    }

    static B4aeSettings withPeers(B4aeSettings s, List<String> peers) {
        return s.toBuilder().peers(peers).build();
    }

    /** A custody that claims to be hardware, delegating to software keys; it may or may not serve ML-DSA-87. */
    static KeyCustody fakeHsm(KeyCustody inner, boolean mldsa) {
        return new KeyCustody() {
            public String name() { return "pkcs11:token"; }
            public io.aethercore.api.custody.CustodyKind kind() { return io.aethercore.api.custody.CustodyKind.HSM; }
            public java.util.Set<KeyAlgorithm> algorithms() {
                return mldsa ? EnumSet.of(KeyAlgorithm.ED25519, KeyAlgorithm.ML_DSA_87) : EnumSet.of(KeyAlgorithm.ED25519);
            }
            public io.aethercore.api.custody.KeyHandle generate(KeyAlgorithm a, String l)
                    throws io.aethercore.api.custody.KeyCustodyException { return inner.generate(a, l); }
            public java.util.Optional<io.aethercore.api.custody.KeyHandle> find(String l)
                    throws io.aethercore.api.custody.KeyCustodyException { return inner.find(l); }
            public List<io.aethercore.api.custody.KeyHandle> list()
                    throws io.aethercore.api.custody.KeyCustodyException { return inner.list(); }
            public byte[] sign(io.aethercore.api.custody.KeyHandle k, byte[] m)
                    throws io.aethercore.api.custody.KeyCustodyException { return inner.sign(k, m); }
            public void delete(io.aethercore.api.custody.KeyHandle k)
                    throws io.aethercore.api.custody.KeyCustodyException { inner.delete(k); }
        };
    }

    /** §1: the ML-DSA-87 key goes to the best custody serving it; an HSM without ML-DSA is passed over. */
    @Test
    void modeBKeyFallsBackToSoftwareWhenTheHsmCannotDoMlDsa() throws Exception {
        KeyCustody software = custody();
        ChannelHost a = host("a", List.of());
        bindCrypto(a);
        a.bindCustody(fakeHsm(custody(), false), Map.of("service.ranking", 20));
        a.bindCustody(software, Map.of("service.ranking", 10));
        assertNotNull(a.engine());
        assertEquals(software.find("b4ae-mldsa87").orElseThrow().publicKey(), a.engine().staticKeys().mldsa(),
                "ML-DSA-87 key generated in the software custody");
        KeyCustody hsmBacking = custody();
        ChannelHost b = host("b", List.of());
        bindCrypto(b);
        b.bindCustody(fakeHsm(hsmBacking, true), Map.of("service.ranking", 20)); // no X25519 there: waits
        b.bindCustody(software, Map.of("service.ranking", 10));
        assertNotNull(b.engine());
        assertEquals(hsmBacking.find("b4ae-mldsa87").orElseThrow().publicKey(), b.engine().staticKeys().mldsa(),
                "an HSM that serves ML-DSA-87 gets the Mode B key");
    }

    @Test
    void peerEntriesAreParsedStrictly() {
        var k = Nodes.keys("alice");
        PeerSpec p = PeerSpec.parse(PeerSpec.describe("alice", new java.net.InetSocketAddress("127.0.0.1", 4001), k)
                + ";modes=mode_b;valid_from=2026-01-01T00:00:00Z");
        assertEquals("alice", p.name());
        assertEquals(k.x25519(), p.x25519());
        assertEquals(k.mldsa(), p.mldsa());
        assertEquals(EnumSet.of(Mode.B), p.modes());
        assertEquals(4001, p.address().getPort());
        assertThrows(IllegalArgumentException.class, () -> PeerSpec.parse("name=x"));
        // the README's old bracketed form and two peers in one value: refused with the form that works
        String bracketed = assertThrows(IllegalArgumentException.class,
                () -> PeerSpec.parse("[\"name=node2;address=10.0.0.2:4000;x25519=AAAA\"]")).getMessage();
        assertTrue(bracketed.contains("brackets or quotes") && bracketed.contains("peers.1 = name=node2;"), bracketed);
        String two = assertThrows(IllegalArgumentException.class,
                () -> PeerSpec.parse("name=a;x25519=AAAA, name=b;x25519=BBBB")).getMessage();
        assertTrue(two.contains("holds 2 peers") && two.contains("peers.2 = "), two);
        String noName = assertThrows(IllegalArgumentException.class, () -> PeerSpec.parse("x25519=AAAA")).getMessage();
        assertTrue(noName.contains("peers.1 = name="), noName);
        assertThrows(IllegalArgumentException.class, () -> PeerSpec.parse("name=x;x25519=AAAA"));
        assertThrows(IllegalArgumentException.class, () -> PeerSpec.parse("x25519=" +
                java.util.Base64.getEncoder().encodeToString(k.x25519().encoded())));
        assertThrows(IllegalArgumentException.class, () -> PeerSpec.parse("name=x;x25519="
                + java.util.Base64.getEncoder().encodeToString(k.mldsa().toSpki())));
        assertEquals(KeyAlgorithm.X25519, p.x25519().algorithm());
        assertThrows(IllegalArgumentException.class, () -> io.aethercore.b4ae.internal.config.B4aeSettingsParser.cookieSecret("abcd", "", null));
        assertEquals(32, io.aethercore.b4ae.internal.config.B4aeSettingsParser.cookieSecret("00".repeat(32), "", null).length);
    }
}
