package io.aethercore.mesh.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.mesh.pki.GenesisPayload.BootstrapPeer;
import io.aethercore.mesh.pki.GenesisPayload.MeshParameters;
import io.aethercore.mesh.pki.GenesisPayload.PcrPolicy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GenesisPayloadCodecTest {

    static X509Certificate root;

    @BeforeAll
    static void root() throws Exception {
        KeyPair k = Fixtures.generate(KeyAlgorithm.ED25519);
        root = FederationRoot.selfSigned("Codec Root", Fixtures.raw(k), Fixtures.signer(k), Instant.now().minusSeconds(60),
                Duration.ofDays(10));
    }

    static BootstrapPeer peer(String name, String host, int port, boolean fa) {
        return new BootstrapPeer(name, InetSocketAddress.createUnresolved(host, port), Fixtures.raw(Fixtures.generate(KeyAlgorithm.X25519)),
                Fixtures.raw(Fixtures.generate(KeyAlgorithm.ML_DSA_87)), fa);
    }

    static GenesisPayload payload(X509Certificate root, boolean withValues) {
        return payload(root, withValues, Instant.parse("2025-01-02T03:04:05Z"));
    }

    static GenesisPayload payload(X509Certificate root, boolean withValues, Instant issuedAt) {
        PcrSelection sel = PcrSelection.PLAYBOOK;
        byte[][] v = new byte[4][32];
        for (int i = 0; i < 4; i++) {
            v[i][0] = (byte) (i + 1);
        }
        byte[] gospel = new byte[32];
        gospel[31] = (byte) 0xee;
        return new GenesisPayload(1, "alpha federation", root, gospel,
                List.of(peer("fa-1", "10.0.0.1", 7443, true), peer("m2", "fd00::2", 7444, false)),
                new MeshParameters(3, 0.85, 0.55, Duration.ofSeconds(120), Duration.ofSeconds(2), true),
                new PcrPolicy(sel, withValues ? new PcrValues(sel, v) : null), issuedAt);
    }

    @Test
    void roundTripGivesAnEqualPayload() throws Exception {
        for (boolean values : new boolean[] {true, false}) {
            GenesisPayload p = payload(root, values);
            byte[] encoded = GenesisPayloadCodec.encode(p);
            GenesisPayload back = GenesisPayloadCodec.decode(encoded);
            assertEquals(p, back);
            assertEquals(p.hashCode(), back.hashCode());
            assertArrayEquals(p.initialGospelRoot(), back.initialGospelRoot());
            assertArrayEquals(root.getEncoded(), back.federationRoot().getEncoded());
            assertArrayEquals(encoded, GenesisPayloadCodec.encode(back), "canonical");
        }
        assertNotEquals(payload(root, true), payload(root, false));
    }

    @Test
    void textHasTheDocumentedShape() {
        String text = new String(GenesisPayloadCodec.encode(payload(root, true)), StandardCharsets.UTF_8);
        String[] lines = text.split("\n");
        assertEquals("aethercore-genesis/1", lines[0]);
        assertEquals("federation-name: alpha federation", lines[1]);
        assertEquals("issued-at: 2025-01-02T03:04:05Z", lines[2]);
        assertEquals("initial-gospel-root: " + "00".repeat(31) + "ee", lines[3]);
        assertEquals("quorum-size: 3", lines[4]);
        assertEquals("healthy-threshold: 0.85", lines[5]);
        assertEquals("quarantine-threshold: 0.55", lines[6]);
        assertEquals("reattestation-interval-seconds: 120", lines[7]);
        assertEquals("heartbeat-interval-seconds: 2", lines[8]);
        assertEquals("allow-software-attestation: true", lines[9]);
        assertEquals("pcr-selection: sha256:0,1,2,7", lines[10]);
        assertEquals("pcr.0: 01" + "00".repeat(31), lines[11]);
        assertTrue(lines[15].startsWith("peer: name=fa-1;address=10.0.0.1:7443;x25519="), lines[15]);
        assertTrue(lines[15].endsWith(";role=fa"), lines[15]);
        assertTrue(lines[16].startsWith("peer: name=m2;address=[fd00::2]:7444;"), lines[16]);
        assertEquals("federation-root:", lines[17]);
        assertEquals(Pem.BEGIN, lines[18]);
        assertTrue(text.endsWith(Pem.END + "\n"));
    }

    @Test
    void meshParameterDefaultsAndValidation() {
        MeshParameters d = MeshParameters.defaults();
        assertEquals(new MeshParameters(1, 0.9, 0.6, Duration.ofSeconds(300), Duration.ofSeconds(5), false), d);
        assertThrows(IllegalArgumentException.class, () -> new MeshParameters(0, 0.9, 0.6, Duration.ofSeconds(1), Duration.ofSeconds(1), false));
        assertThrows(IllegalArgumentException.class, () -> new MeshParameters(1, 0.6, 0.6, Duration.ofSeconds(1), Duration.ofSeconds(1), false));
        assertThrows(IllegalArgumentException.class, () -> new MeshParameters(1, 1.1, 0.6, Duration.ofSeconds(1), Duration.ofSeconds(1), false));
        assertThrows(IllegalArgumentException.class, () -> new MeshParameters(1, 0.9, 0.0, Duration.ofSeconds(1), Duration.ofSeconds(1), false));
        assertThrows(IllegalArgumentException.class, () -> new MeshParameters(1, 0.9, 0.6, Duration.ofMillis(999), Duration.ofSeconds(1), false));
        PcrSelection other = PcrSelection.sha256(0, 1);
        assertThrows(IllegalArgumentException.class, () -> new PcrPolicy(PcrSelection.PLAYBOOK,
                new PcrValues(other, new byte[2][32])));
    }

    private static String text() {
        return new String(GenesisPayloadCodec.encode(payload(root, true)), StandardCharsets.UTF_8);
    }

    private static PkiException refused(String text) {
        return assertThrows(PkiException.class, () -> GenesisPayloadCodec.decode(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void refusedAt(String text, String... fragments) {
        PkiException e = refused(text);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "'" + f + "' not in: " + e.getMessage());
        }
    }

    @Test
    void strictParser() {
        String t = text();
        refusedAt(t.replace("quorum-size: 3\n", "quorum-size: 3\ncolour: blue\n"), "line 6", "unknown key 'colour'");
        refusedAt(t.replace("quorum-size: 3\n", "quorum-size: 3\nquorum-size: 4\n"), "line 6", "duplicate key 'quorum-size'");
        refusedAt(t.replace("quorum-size: 3\n", ""), "line 5", "missing key 'quorum-size'");
        refusedAt(t.replace("aethercore-genesis/1", "aethercore-genesis/2"), "line 1", "version '2' is not supported");
        refusedAt(t.replace("aethercore-genesis/1", "hello"), "line 1", "not a genesis payload");
        refusedAt(t.replace("initial-gospel-root: " + "00".repeat(31) + "ee", "initial-gospel-root: " + "zz".repeat(32)),
                "line 4", "initial-gospel-root");
        refusedAt(t.replace("initial-gospel-root: " + "00".repeat(31) + "ee", "initial-gospel-root: 00"), "line 4");
        refusedAt(t.replace("pcr.0: 01", "pcr.0: 0g"), "PCR 0");
        refusedAt(t.replace("healthy-threshold: 0.85", "healthy-threshold: 1e-3"), "line 6", "healthy-threshold");
        refusedAt(t.replace("healthy-threshold: 0.85\nquarantine-threshold: 0.55", "quarantine-threshold: 0.55\nhealthy-threshold: 0.85"),
                "line 6", "missing key 'healthy-threshold'");
        refusedAt(t.replace("allow-software-attestation: true", "allow-software-attestation: yes"), "line 10");
        refusedAt(t.replace("role=fa", "role=king"), "line 16", "bad peer");
        refusedAt(t.replace("address=10.0.0.1:7443", "address=10.0.0.1"), "line 16", "bad peer");
        refusedAt(t.replace("pcr-selection: sha256:0,1,2,7", "pcr-selection: sha256:0,1,2"), "pcr");
        refusedAt(t.replace("\n", "\r\n"), "carriage return");
        refusedAt(t + "trailing\n", "PEM");
        refusedAt(t.replace("federation-root:\n", ""));
        refusedAt(t.substring(0, t.indexOf("federation-root:")), "missing key 'federation-root'");
        refusedAt(t.replace("federation-name: alpha federation", "federation-name:"), "line 2");
        refusedAt("", "empty");
    }

    @Test
    void oversizeAndTooManyPeersAreRefused() {
        byte[] big = new byte[GenesisPayloadCodec.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) 'a');
        PkiException e = assertThrows(PkiException.class, () -> GenesisPayloadCodec.decode(big));
        assertTrue(e.getMessage().contains("more than the limit"), e.getMessage());

        String t = text();
        int at = t.indexOf("peer: ");
        String onePeer = "peer: name=p;address=h:1;x25519=AA==;mldsa87=AA==;role=member\n";
        StringBuilder many = new StringBuilder(t.substring(0, at));
        for (int i = 0; i < GenesisPayload.MAX_PEERS + 1; i++) {
            many.append(onePeer);
        }
        many.append(t.substring(t.indexOf("federation-root:")));
        refusedAt(many.toString(), "more than " + GenesisPayload.MAX_PEERS + " bootstrap peers", "line " + (15 + GenesisPayload.MAX_PEERS + 1));

        byte[] notUtf8 = t.getBytes(StandardCharsets.UTF_8);
        notUtf8[30] = (byte) 0xff;
        assertThrows(PkiException.class, () -> GenesisPayloadCodec.decode(notUtf8));
    }

    @Test
    void tooManyPeersCannotBeBuilt() {
        List<BootstrapPeer> peers = new ArrayList<>();
        BootstrapPeer p = peer("p", "h", 1, false);
        for (int i = 0; i <= GenesisPayload.MAX_PEERS; i++) {
            peers.add(p);
        }
        assertThrows(IllegalArgumentException.class, () -> new GenesisPayload(1, "x", root, new byte[32], peers,
                MeshParameters.defaults(), new PcrPolicy(PcrSelection.PLAYBOOK, null), Instant.now()));
    }

    @Test
    void randomCorruptionNeverEscapesAsARuntimeException() {
        byte[] good = GenesisPayloadCodec.encode(payload(root, true));
        java.util.Random r = new java.util.Random(11);
        for (int i = 0; i < 500; i++) {
            byte[] b = good.clone();
            int n = 1 + r.nextInt(3);
            for (int k = 0; k < n; k++) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            try {
                GenesisPayloadCodec.decode(b);
            } catch (PkiException expected) {
                // refused with a message; anything else fails the test
            }
        }
    }
}
