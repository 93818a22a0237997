package io.aethercore.mesh.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.mesh.NodeObservations;
import io.aethercore.api.mesh.NodeRecord;
import io.aethercore.api.mesh.NodeStatus;
import io.aethercore.api.mesh.TrustFactor;
import io.aethercore.api.mesh.TrustScore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeTableTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final Instant ISSUED = Instant.parse("2025-01-01T00:00:00Z");
    private final TestCerts certs = new TestCerts();

    private NodeRecord node(String id, NodeStatus status, double score, Instant lastSeen, AttestationKind kind) {
        X509Certificate cert = certs.issue(id.replaceAll("[^A-Za-z0-9-]", "x"), kind);
        return new NodeRecord(id, status, new TrustScore(score, List.of(new TrustFactor("flat", 1, score, "test"))),
                kind, cert, null, "fp", ISSUED, lastSeen, ISSUED, null, 0, false);
    }

    private NodeRecord healthy(String id, double score, long secondsAgo) {
        return node(id, NodeStatus.HEALTHY, score, NOW.minusSeconds(secondsAgo), AttestationKind.TPM);
    }

    @Test
    void listNodesPrintsThePlaybookTable() {
        String table = NodeTable.render(List.of(healthy("unit-alpha-7", 0.98, 2), healthy("unit-bravo-3", 0.99, 1)),
                Optional.of(NodeStatus.HEALTHY), NOW);
        assertEquals(""
                + "NODE_ID          STATUS    TRUST_SCORE  LAST_SEEN\n"
                + "unit-alpha-7     HEALTHY   0.98         2s ago\n"
                + "unit-bravo-3     HEALTHY   0.99         1s ago\n", table);
    }

    @Test
    void theStatusFilterKeepsOnlyThatStatusAndTheHeaderStays() {
        List<NodeRecord> nodes = List.of(healthy("unit-alpha-7", 0.98, 2),
                node("unit-charlie-1", NodeStatus.DEGRADED, 0.75, NOW.minusSeconds(180), AttestationKind.TPM));
        assertEquals(""
                + "NODE_ID          STATUS    TRUST_SCORE  LAST_SEEN\n"
                + "unit-charlie-1   DEGRADED  0.75         3m ago\n",
                NodeTable.render(nodes, Optional.of(NodeStatus.DEGRADED), NOW));
        assertEquals("NODE_ID          STATUS    TRUST_SCORE  LAST_SEEN\n",
                NodeTable.render(nodes, Optional.of(NodeStatus.PURGED), NOW));
        assertEquals(3, NodeTable.render(nodes, Optional.empty(), NOW).lines().count());
    }

    @Test
    void columnsGrowForLongNodeIdsAndLongStatuses() {
        List<NodeRecord> nodes = List.of(
                node("a-rather-long-node-id", NodeStatus.QUARANTINED, 0.31, NOW.minusSeconds(3600), AttestationKind.TPM),
                node("unit-delta-2", NodeStatus.COMPROMISED, 1.0, NOW.minus(Duration.ofDays(2)), AttestationKind.TPM),
                node("unit-echo-5", NodeStatus.PURGED, 0, null, AttestationKind.SOFTWARE));
        assertEquals(""
                + "NODE_ID               STATUS      TRUST_SCORE  LAST_SEEN\n"
                + "a-rather-long-node-id QUARANTINED 0.31         1h ago\n"
                + "unit-delta-2          COMPROMISED 1.00         2d ago\n"
                + "unit-echo-5           PURGED      0.00         never\n",
                NodeTable.render(nodes, Optional.empty(), NOW));
    }

    @Test
    void lastSeenReadsAsOperatorsSayIt() {
        assertEquals("never", NodeTable.lastSeen(null, NOW));
        assertEquals("0s ago", NodeTable.lastSeen(NOW, NOW));
        assertEquals("0s ago", NodeTable.lastSeen(NOW.plusSeconds(3), NOW), "a clock ahead of ours is not negative");
        assertEquals("0s ago", NodeTable.lastSeen(NOW.minusMillis(999), NOW));
        assertEquals("59s ago", NodeTable.lastSeen(NOW.minusSeconds(59), NOW));
        assertEquals("1m ago", NodeTable.lastSeen(NOW.minusSeconds(60), NOW));
        assertEquals("59m ago", NodeTable.lastSeen(NOW.minusSeconds(3599), NOW));
        assertEquals("1h ago", NodeTable.lastSeen(NOW.minusSeconds(3600), NOW));
        assertEquals("23h ago", NodeTable.lastSeen(NOW.minusSeconds(86_399), NOW));
        assertEquals("1d ago", NodeTable.lastSeen(NOW.minusSeconds(86_400), NOW));
    }

    @Test
    void scoresPrintWithTwoDecimalsRoundedDown() {
        assertEquals("1.00", NodeTable.score(1.0));
        assertEquals("0.00", NodeTable.score(0.0));
        assertEquals("0.98", NodeTable.score(0.05 * 0.6 + 0.25 + 0.5 + 0.2));
        assertEquals("0.90", NodeTable.score(0.8999999999999999), "the rounding error of a weighted sum is not a lower score");
        assertEquals("0.89", NodeTable.score(0.898), "0.898 is below 0.9 and must not print as 0.90");
        assertEquals("0.59", NodeTable.score(0.5999));
    }

    @Test
    void theLocalNodeIsZeroSecondsAgo() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        Registry registry = new Registry(clock, DefaultTrustPolicy::new, Duration.ofHours(1), Duration.ofSeconds(5), certs);
        registry.enrolled(certs.issue("unit-alpha-7", AttestationKind.TPM), NOW);
        registry.setLocalNodeId("unit-alpha-7");
        clock.advance(Duration.ofSeconds(42));
        assertEquals(""
                + "NODE_ID          STATUS    TRUST_SCORE  LAST_SEEN\n"
                + "unit-alpha-7     HEALTHY   1.00         0s ago\n",
                NodeTable.render(registry.nodes(), Optional.empty(), clock.instant()));
    }

    @Test
    void controlCharactersInNodeIdsCannotReachTheTerminal() {
        String table = NodeTable.render(List.of(healthy("evil\u001b[2J\nnode", 0.5, 1)), Optional.empty(), NOW);
        assertEquals(""
                + "NODE_ID          STATUS    TRUST_SCORE  LAST_SEEN\n"
                + "evil?[2J?node    HEALTHY   0.50         1s ago\n", table);
    }

    @Test
    void jsonListsTheSameNodes() {
        List<NodeRecord> nodes = List.of(healthy("unit-alpha-7", 0.98, 2),
                node("unit-echo-5", NodeStatus.QUARANTINED, 0.5, null, AttestationKind.SOFTWARE));
        assertEquals(""
                + "[\n"
                + "  {\"node_id\":\"unit-alpha-7\",\"status\":\"HEALTHY\",\"trust_score\":0.98,\"last_seen\":\"2025-06-01T11:59:58Z\",\"attestation\":\"tpm\"},\n"
                + "  {\"node_id\":\"unit-echo-5\",\"status\":\"QUARANTINED\",\"trust_score\":0.50,\"last_seen\":null,\"attestation\":\"software\"}\n"
                + "]\n", NodeTable.renderJson(nodes, Optional.empty()));
        assertEquals("[]\n", NodeTable.renderJson(nodes, Optional.of(NodeStatus.PURGED)));
    }

    @Test
    void jsonEscapesOddCharacters() {
        assertEquals("\"plain-id_1.2\"", NodeTable.Json.string("plain-id_1.2"));
        assertEquals("\"q\\\"b\\\\s/\"", NodeTable.Json.string("q\"b\\s/"));
        assertEquals("\"\\n\\r\\t\\b\\f\"", NodeTable.Json.string("\n\r\t\b\f"));
        assertEquals("\"\\u0000\\u0001\\u001f\\u007f\"", NodeTable.Json.string("\u0000\u0001\u001f\u007f"));
        assertEquals("\"a\\u2028b\\u2029c\"", NodeTable.Json.string("a\u2028b\u2029c"));
        assertEquals("\"caf\u00e9 \ud83d\ude80\"", NodeTable.Json.string("caf\u00e9 \ud83d\ude80"), "pairs and non-ASCII pass through");
        assertEquals("\"\\ud800x\\udc00\"", NodeTable.Json.string("\ud800x\udc00"), "lone surrogates are escaped");
        String line = NodeTable.renderJson(List.of(healthy("n\"1\n", 1, 0)), Optional.empty());
        assertTrue(line.contains("{\"node_id\":\"n\\\"1\\n\","), line);
    }

    @Test
    void trustPrintsTheFactorsAndTheCertificate() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        Registry registry = new Registry(clock, DefaultTrustPolicy::new, Duration.ofHours(1), Duration.ofSeconds(5), certs);
        X509Certificate cert = certs.issue("unit-alpha-7", AttestationKind.TPM);
        registry.enrolled(cert, NOW.minusSeconds(720));
        registry.seen("unit-alpha-7", NOW.minusSeconds(2));
        registry.violation("unit-alpha-7", NOW.minusSeconds(30), "malformed frame");
        String out = NodeTable.renderTrust(registry.node("unit-alpha-7").orElseThrow(), NOW);
        assertEquals(""
                + "NODE_ID      unit-alpha-7\n"
                + "STATUS       HEALTHY\n"
                + "ATTESTATION  tpm\n"
                + "TRUST_SCORE  0.96\n"
                + "LAST_SEEN    2s ago\n"
                + "ENROLLED     2025-06-01T11:48:00Z\n"
                + "\n"
                + "FACTOR       WEIGHT  VALUE  DETAIL\n"
                + "attestation  0.05    1.00   TPM 2.0 quotes\n"
                + "freshness    0.25    1.00   last quote verified 12m ago (re-attestation due every 1h)\n"
                + "liveness     0.50    1.00   last heard from 2s ago (heartbeat every 5s)\n"
                + "conduct      0.20    0.80   1 protocol violation\n"
                + "\n"
                + "SUBJECT      CN=unit-alpha-7,O=AetherCore Test\n"
                + "SERIAL       0x" + cert.getSerialNumber().toString(16) + "\n"
                + "NOT_AFTER    2026-01-01T00:00:00Z\n", out);
    }

    @Test
    void trustMarksSoftwareNodesAndNamesTheFailure() throws Exception {
        Registry registry = new Registry(new MutableClock(NOW), DefaultTrustPolicy::new, Duration.ofHours(1),
                Duration.ofSeconds(5), certs);
        registry.enrolled(certs.issue("unit-sw-1", AttestationKind.SOFTWARE), NOW);
        registry.setLocalNodeId("unit-sw-1");
        registry.attestationFailed("unit-sw-1", NOW, "PCR 7 differs");
        String out = NodeTable.renderTrust(registry.node("unit-sw-1").orElseThrow(), NOW);
        assertTrue(out.startsWith(""
                + "NODE_ID      unit-sw-1 (this node)\n"
                + "STATUS       COMPROMISED\n"
                + "ATTESTATION  software (no TPM: proves nothing about the platform)\n"
                + "FAILURE      PCR 7 differs\n"
                + "TRUST_SCORE  0.98\n"), out);
        assertTrue(out.contains("attestation  0.05    0.60   software: no TPM, quotes prove nothing about the platform; last attestation FAILED: PCR 7 differs\n"), out);
    }

    @Test
    void policyOutputFeedsTheTable() {
        DefaultTrustPolicy policy = new DefaultTrustPolicy();
        NodeObservations o = new NodeObservations(AttestationKind.SOFTWARE, NOW, null, NOW.minusSeconds(2), 0, false,
                Duration.ofHours(1), Duration.ofSeconds(5), NOW);
        TrustScore s = policy.score(o);
        NodeRecord r = new NodeRecord("unit-alpha-7", policy.status(s, o), s, AttestationKind.SOFTWARE,
                certs.issue("unit-alpha-7", AttestationKind.SOFTWARE), null, "fp", ISSUED, NOW.minusSeconds(2), NOW, null, 0, false);
        assertEquals(""
                + "NODE_ID          STATUS    TRUST_SCORE  LAST_SEEN\n"
                + "unit-alpha-7     HEALTHY   0.98         2s ago\n",
                NodeTable.render(List.of(r), Optional.of(NodeStatus.HEALTHY), NOW));
    }
}
