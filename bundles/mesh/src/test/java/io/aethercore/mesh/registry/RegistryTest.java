package io.aethercore.mesh.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.mesh.MeshException;
import io.aethercore.api.mesh.NodeObservations;
import io.aethercore.api.mesh.NodeRecord;
import io.aethercore.api.mesh.NodeStatus;
import io.aethercore.api.mesh.TrustFactor;
import io.aethercore.api.mesh.TrustPolicy;
import io.aethercore.api.mesh.TrustScore;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RegistryTest {
    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);

    private final MutableClock clock = new MutableClock(T0);
    private final AtomicReference<TrustPolicy> policy = new AtomicReference<>(new DefaultTrustPolicy());
    private final TestCerts certs = new TestCerts();
    private final Registry registry = new Registry(clock, policy::get, Duration.ofHours(1), HEARTBEAT, certs);

    private X509Certificate enrol(String nodeId, AttestationKind kind) throws MeshException {
        X509Certificate cert = certs.issue(nodeId, kind);
        registry.enrolled(cert, clock.instant());
        return cert;
    }

    private NodeStatus status(String nodeId) {
        return registry.node(nodeId).orElseThrow().status();
    }

    private void advance(long seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    @Test
    void enrolledNodesAreListedByNodeIdAndEnrollmentCountsAsAttestation() throws Exception {
        X509Certificate bravo = enrol("unit-bravo-3", AttestationKind.TPM);
        enrol("unit-alpha-7", AttestationKind.SOFTWARE);
        List<NodeRecord> nodes = registry.nodes();
        assertEquals(List.of("unit-alpha-7", "unit-bravo-3"), nodes.stream().map(NodeRecord::nodeId).toList());
        NodeRecord b = nodes.get(1);
        assertEquals(T0, b.lastAttested());
        assertEquals(T0, b.enrolledAt());
        assertNull(b.lastSeen());
        assertSame(bravo, b.certificate());
        assertEquals("b4ae-unit-bravo-3", b.b4aeFingerprint());
        assertEquals(7400, b.address().getPort());
        assertFalse(b.local());
        assertEquals(NodeStatus.HEALTHY, b.status(), "just learned of: three heartbeats of grace");
        advance(60);
        assertEquals(NodeStatus.QUARANTINED, status("unit-bravo-3"), "never heard from since: no liveness");
        registry.seen("unit-bravo-3", clock.instant());
        assertEquals(NodeStatus.HEALTHY, status("unit-bravo-3"));
        assertEquals(AttestationKind.SOFTWARE, registry.node("unit-alpha-7").orElseThrow().attestation());
        assertSame(bravo, registry.certificate("unit-bravo-3").orElseThrow());
        assertEquals("unit-bravo-3", registry.info("unit-bravo-3").orElseThrow().nodeId());
        assertTrue(registry.certificate("nobody").isEmpty());
        assertTrue(registry.info("nobody").isEmpty());
        assertTrue(registry.node("nobody").isEmpty());
    }

    @Test
    void softwareNodeIsHealthyButScoresBelowTpm() throws Exception {
        enrol("tpm-node", AttestationKind.TPM);
        enrol("sw-node", AttestationKind.SOFTWARE);
        registry.seen("tpm-node", T0);
        registry.seen("sw-node", T0);
        NodeRecord sw = registry.node("sw-node").orElseThrow();
        NodeRecord tpm = registry.node("tpm-node").orElseThrow();
        assertEquals(NodeStatus.HEALTHY, sw.status());
        assertEquals(0.98, sw.trust().value(), 1e-12);
        assertTrue(sw.trust().value() < tpm.trust().value());
    }

    @Test
    void killedNodeDegradesThenIsQuarantinedAndRecoversWhenHeardAgain() throws Exception {
        List<String> told = new ArrayList<>();
        registry.onStatusChange((before, after) -> told.add((before == null ? "-" : before.status()) + ">" + after.status()));
        enrol("unit-alpha-7", AttestationKind.TPM);
        registry.seen("unit-alpha-7", T0);
        registry.evaluate();
        for (int second = 1; second <= 70; second++) { // the node died at T0; the mesh evaluates every second
            advance(1);
            registry.evaluate();
            NodeStatus s = status("unit-alpha-7");
            NodeStatus expected = second <= 24 ? NodeStatus.HEALTHY : second <= 51 ? NodeStatus.DEGRADED : NodeStatus.QUARANTINED;
            assertEquals(expected, s, "after " + second + "s of silence");
        }
        assertEquals(List.of("->HEALTHY", "HEALTHY>DEGRADED", "DEGRADED>QUARANTINED"), told);
        String liveness = registry.node("unit-alpha-7").orElseThrow().trust().factors().get(2).detail();
        assertEquals("silent for 1m, 14 heartbeats missed (heartbeat every 5s)", liveness);
        registry.seen("unit-alpha-7", clock.instant());
        registry.evaluate();
        assertEquals(NodeStatus.HEALTHY, status("unit-alpha-7"));
        assertEquals("QUARANTINED>HEALTHY", told.get(told.size() - 1));
    }

    @Test
    void staleQuotesAloneDegradeANode() throws Exception {
        enrol("n", AttestationKind.TPM);
        for (int i = 0; i < 4 * 3600; i += 5) {
            registry.seen("n", clock.instant());
            advance(5);
        }
        registry.seen("n", clock.instant());
        NodeRecord r = registry.node("n").orElseThrow();
        assertEquals(0.75, r.trust().value(), 1e-12, "freshness gone, all else full");
        assertEquals(NodeStatus.DEGRADED, r.status());
        registry.attested("n", clock.instant());
        assertEquals(NodeStatus.HEALTHY, status("n"));
    }

    @Test
    void attestationFailureIsCompromisedWhateverTheLiveness() throws Exception {
        enrol("n", AttestationKind.TPM);
        registry.seen("n", T0);
        advance(10);
        registry.attestationFailed("n", clock.instant(), "PCR 7 differs");
        NodeRecord r = registry.node("n").orElseThrow();
        assertEquals(NodeStatus.COMPROMISED, r.status());
        assertEquals("PCR 7 differs", r.attestationFailure());
        advance(3600);
        assertEquals(NodeStatus.COMPROMISED, status("n"), "silent and compromised is still compromised");
        registry.seen("n", clock.instant());
        assertEquals(NodeStatus.COMPROMISED, status("n"), "heartbeats do not undo a failed quote");
        registry.attested("n", T0.plusSeconds(5));
        assertEquals(NodeStatus.COMPROMISED, status("n"), "an older verified quote does not undo a newer failure");
        registry.attested("n", T0.plusSeconds(10));
        assertEquals(NodeStatus.COMPROMISED, status("n"), "on a tie the failure wins");
        registry.attested("n", clock.instant());
        assertEquals(NodeStatus.HEALTHY, status("n"), "a newer verified quote: the last attestation did not fail");
        assertNull(registry.node("n").orElseThrow().attestationFailure());
        registry.attestationFailed("n", T0.plusSeconds(20), "PCR 0 differs");
        assertEquals(NodeStatus.HEALTHY, status("n"), "a failure older than the last verified quote is history");
    }

    @Test
    void silenceAloneNeverCompromises() throws Exception {
        enrol("n", AttestationKind.SOFTWARE);
        registry.violation("n", T0, "malformed frame");
        for (int i = 0; i < 48; i++) {
            advance(3600);
            NodeStatus s = status("n");
            assertTrue(s == NodeStatus.QUARANTINED || s == NodeStatus.DEGRADED, s.toString());
        }
    }

    @Test
    void revokedIsPurgedUntilACertificateIssuedAfterTheRevocation() throws Exception {
        KeyPair key = TestCerts.newKey();
        registry.enrolled(certs.issue("n", AttestationKind.TPM, key, T0), T0);
        registry.seen("n", T0);
        advance(60);
        registry.revoked("n", clock.instant(), "decommissioned");
        registry.seen("n", clock.instant());
        assertEquals(NodeStatus.PURGED, status("n"));
        assertEquals("decommissioned", registry.revocationReason("n").orElseThrow());
        registry.enrolled(certs.issue("n", AttestationKind.TPM, key, T0), clock.instant());
        assertEquals(NodeStatus.PURGED, status("n"), "issued at the revocation instant: still covered by it");
        advance(1);
        registry.enrolled(certs.issue("n", AttestationKind.TPM, key, T0), clock.instant());
        assertEquals(NodeStatus.HEALTHY, status("n"), "a certificate issued after the revocation is a new enrollment");
        assertTrue(registry.revocationReason("n").isEmpty());
        registry.revoked("n", T0.plusSeconds(60), "decommissioned");
        assertEquals(NodeStatus.HEALTHY, status("n"), "the old revocation does not cover the newer certificate");
    }

    @Test
    void aRevocationThatArrivesBeforeTheCertificateStillApplies() throws Exception {
        registry.revoked("n", T0.plusSeconds(30), "key leaked");
        assertTrue(registry.nodes().isEmpty(), "no record without a certificate");
        registry.enrolled(certs.issue("n", AttestationKind.TPM), T0);
        assertEquals(NodeStatus.PURGED, status("n"));
        registry.revoked("m", T0, "old news");
        registry.enrolled(certs.issue("m", AttestationKind.TPM), T0.plusSeconds(1));
        registry.seen("m", T0.plusSeconds(1));
        assertEquals(NodeStatus.HEALTHY, status("m"));
    }

    @Test
    void updatesAreIdempotentAndVersionCountsOnlyChangesOfFacts() throws Exception {
        long v0 = registry.version();
        X509Certificate cert = enrol("n", AttestationKind.TPM);
        long v1 = registry.version();
        assertTrue(v1 > v0);
        registry.enrolled(cert, T0);
        assertEquals(v1, registry.version(), "the same certificate again changes nothing");
        registry.seen("n", T0.plusSeconds(3));
        long v2 = registry.version();
        assertTrue(v2 > v1);
        registry.seen("n", T0.plusSeconds(3));
        registry.seen("n", T0.plusSeconds(1));
        assertEquals(v2, registry.version());
        assertEquals(T0.plusSeconds(3), registry.node("n").orElseThrow().lastSeen(), "lastSeen never moves back");
        registry.attested("n", T0.plusSeconds(2));
        registry.attested("n", T0.plusSeconds(2));
        long v3 = registry.version();
        assertEquals(v2 + 1, v3);
        registry.attested("n", T0.plusSeconds(1));
        assertEquals(v3, registry.version());
        registry.attestationFailed("n", T0.plusSeconds(4), "PCR 7 differs");
        registry.attestationFailed("n", T0.plusSeconds(4), "PCR 7 differs");
        assertEquals(v3 + 1, registry.version());
        registry.violation("n", T0.plusSeconds(5), "bad MAC");
        registry.violation("n", T0.plusSeconds(5), "bad MAC");
        assertEquals(1, registry.node("n").orElseThrow().violations(), "the same violation counts once");
        registry.violation("n", T0.plusSeconds(5), "replayed nonce");
        registry.violation("n", T0.plusSeconds(6), "bad MAC");
        assertEquals(3, registry.node("n").orElseThrow().violations());
        assertEquals(v3 + 4, registry.version());
        registry.revoked("n", T0.plusSeconds(7), "x");
        registry.revoked("n", T0.plusSeconds(8), "y");
        assertEquals(v3 + 5, registry.version());
        long before = registry.version();
        advance(86_400);
        registry.nodes();
        registry.evaluate();
        assertEquals(before, registry.version(), "time passing is not a change of fact");
    }

    @Test
    void violationsLowerTheScore() throws Exception {
        enrol("n", AttestationKind.TPM);
        registry.seen("n", T0);
        for (int i = 0; i < 4; i++) {
            registry.violation("n", T0.plusMillis(i), "malformed frame");
        }
        NodeRecord r = registry.node("n").orElseThrow();
        assertEquals(0.9, r.trust().value(), 1e-9);
        assertEquals(NodeStatus.HEALTHY, r.status());
        registry.violation("n", T0.plusMillis(4), "malformed frame");
        assertEquals(NodeStatus.DEGRADED, status("n"));
    }

    @Test
    void sameNodeIdWithADifferentKeyReplacesOnlyWhenIssuedLater() throws Exception {
        X509Certificate first = certs.issue("n", AttestationKind.TPM);
        registry.enrolled(first, T0.plusSeconds(100));
        registry.seen("n", T0.plusSeconds(100));
        registry.violation("n", T0.plusSeconds(100), "bad MAC");
        long v = registry.version();

        X509Certificate older = certs.issue("n", AttestationKind.SOFTWARE);
        registry.enrolled(older, T0.plusSeconds(50));
        registry.enrolled(certs.issue("n", AttestationKind.SOFTWARE), T0.plusSeconds(100));
        assertSame(first, registry.certificate("n").orElseThrow(), "not issued later: ignored");
        assertEquals(v, registry.version());

        X509Certificate newer = certs.issue("n", AttestationKind.SOFTWARE);
        registry.enrolled(newer, T0.plusSeconds(200));
        NodeRecord r = registry.node("n").orElseThrow();
        assertSame(newer, r.certificate());
        assertEquals(AttestationKind.SOFTWARE, r.attestation());
        assertNull(r.lastSeen(), "a new key starts afresh");
        assertEquals(0, r.violations());
        assertEquals(T0.plusSeconds(200), r.enrolledAt());
        assertEquals(1, registry.nodes().size());
    }

    @Test
    void sameKeyLaterIsARenewalThatKeepsWhatWasObserved() throws Exception {
        KeyPair key = TestCerts.newKey();
        registry.enrolled(certs.issue("n", AttestationKind.TPM, key, T0), T0);
        registry.seen("n", T0.plusSeconds(10));
        registry.violation("n", T0.plusSeconds(10), "bad MAC");
        X509Certificate renewed = certs.issue("n", AttestationKind.TPM, key, T0.plusSeconds(3600));
        registry.enrolled(renewed, T0.plusSeconds(3600));
        NodeRecord r = registry.node("n").orElseThrow();
        assertSame(renewed, r.certificate());
        assertEquals(T0.plusSeconds(10), r.lastSeen());
        assertEquals(1, r.violations());
        assertEquals(T0.plusSeconds(3600), r.lastAttested());
        long v = registry.version();
        registry.enrolled(renewed, T0.plusSeconds(3600));
        assertEquals(v, registry.version());
    }

    @Test
    void aNewCertificateClearsAnOlderAttestationFailure() throws Exception {
        KeyPair key = TestCerts.newKey();
        registry.enrolled(certs.issue("n", AttestationKind.TPM, key, T0), T0);
        registry.seen("n", T0.plusSeconds(20));
        registry.attestationFailed("n", T0.plusSeconds(10), "PCR 7 differs");
        assertEquals(NodeStatus.COMPROMISED, status("n"));
        registry.enrolled(certs.issue("n", AttestationKind.TPM, key, T0.plusSeconds(20)), T0.plusSeconds(20));
        assertEquals(NodeStatus.HEALTHY, status("n"));
    }

    @Test
    void updatesForUnknownNodesAreIgnoredAndCounted() {
        registry.seen("ghost", T0);
        registry.violation("ghost", T0, "bad MAC");
        registry.attested("ghost", T0);
        registry.attestationFailed("ghost", T0, "PCR 7 differs");
        registry.seen(null, T0);
        assertEquals(5, registry.ignoredUpdates());
        assertTrue(registry.nodes().isEmpty());
        assertEquals(0, registry.version());
    }

    @Test
    void aCertificateTheReaderRefusesCreatesNothing() {
        MeshException e = assertThrows(MeshException.class, () -> registry.enrolled(TestCerts.stranger(), T0));
        assertTrue(e.getMessage().contains("not a node certificate"));
        assertTrue(registry.nodes().isEmpty());
        assertEquals(0, registry.version());
    }

    @Test
    void theLocalNodeIsAlwaysSeenNow() throws Exception {
        enrol("me", AttestationKind.TPM);
        assertTrue(registry.localNodeId().isEmpty());
        long v = registry.version();
        registry.setLocalNodeId("me");
        assertEquals(v + 1, registry.version());
        registry.setLocalNodeId("me");
        assertEquals(v + 1, registry.version());
        advance(600);
        NodeRecord me = registry.node("me").orElseThrow();
        assertTrue(me.local());
        assertEquals(clock.instant(), me.lastSeen());
        assertEquals(NodeStatus.HEALTHY, me.status());
        assertEquals("me", registry.localNodeId().orElseThrow());
    }

    @Test
    void listenersAreToldOncePerChangeAndSurviveAThrowingListener() throws Exception {
        List<String> first = new ArrayList<>();
        List<String> third = new ArrayList<>();
        registry.onStatusChange((b, a) -> first.add(a.nodeId() + ":" + a.status()));
        registry.onStatusChange((b, a) -> {
            throw new IllegalStateException("listener bug");
        });
        AutoCloseable handle = registry.onStatusChange((b, a) -> third.add(a.nodeId() + ":" + a.status()));

        enrol("a", AttestationKind.TPM);
        enrol("b", AttestationKind.TPM);
        advance(60);
        registry.seen("a", clock.instant());
        registry.attested("a", clock.instant());
        registry.attested("b", clock.instant());
        List<StatusChange> changes = registry.evaluate();
        assertEquals(2, changes.size());
        assertNull(changes.get(0).before());
        assertEquals(List.of("a:HEALTHY", "b:QUARANTINED"), first);
        assertEquals(first, third);

        assertTrue(registry.evaluate().isEmpty(), "nothing changed");
        registry.seen("b", clock.instant());
        registry.attestationFailed("a", clock.instant(), "PCR 7 differs");
        registry.revoked("a", clock.instant(), "compromised");
        List<StatusChange> next = registry.evaluate();
        assertEquals(List.of("a:HEALTHY>PURGED", "b:QUARANTINED>HEALTHY"),
                next.stream().map(c -> c.after().nodeId() + ":" + c.before().status() + ">" + c.after().status()).toList());
        assertEquals(List.of("a:HEALTHY", "b:QUARANTINED", "a:PURGED", "b:HEALTHY"), first);

        handle.close();
        handle.close();
        advance(60);
        registry.evaluate();
        assertEquals(List.of("a:HEALTHY", "b:QUARANTINED", "a:PURGED", "b:HEALTHY", "b:QUARANTINED"), first);
        assertEquals(4, third.size(), "a closed handle is told nothing more");
    }

    @Test
    void aChangeAndItsReversalBetweenEvaluationsIsNotReported() throws Exception {
        enrol("n", AttestationKind.TPM);
        registry.seen("n", T0);
        registry.evaluate();
        registry.attestationFailed("n", T0.plusSeconds(1), "PCR 7 differs");
        registry.attested("n", T0.plusSeconds(2));
        assertTrue(registry.evaluate().isEmpty());
    }

    @Test
    void theCurrentPolicyScoresAndANullPolicyFallsBackToTheDefault() throws Exception {
        enrol("n", AttestationKind.TPM);
        policy.set(new TrustPolicy() {
            @Override
            public TrustScore score(NodeObservations o) {
                return new TrustScore(0.5, List.of(new TrustFactor("flat", 1, 0.5, "everyone is half trusted")));
            }

            @Override
            public NodeStatus status(TrustScore score, NodeObservations o) {
                return NodeStatus.DEGRADED;
            }
        });
        assertEquals(NodeStatus.DEGRADED, status("n"));
        assertEquals("flat", registry.node("n").orElseThrow().trust().factors().get(0).name());
        policy.set(null);
        registry.seen("n", T0);
        assertEquals(NodeStatus.HEALTHY, status("n"));
    }

    @Test
    void constructorRefusesNonsense() {
        assertThrows(IllegalArgumentException.class,
                () -> new Registry(clock, policy::get, Duration.ZERO, HEARTBEAT, certs));
        assertThrows(IllegalArgumentException.class,
                () -> new Registry(clock, policy::get, Duration.ofHours(1), Duration.ofSeconds(-1), certs));
        assertThrows(NullPointerException.class,
                () -> new Registry(clock, policy::get, Duration.ofHours(1), HEARTBEAT, null));
        assertThrows(IllegalArgumentException.class, () -> registry.setLocalNodeId(" "));
    }

    @Test
    void concurrentUpdatesAndEvaluationsLoseNothing() throws Exception {
        for (int i = 0; i < 8; i++) {
            enrol("node-" + i, AttestationKind.TPM);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 2000; i++) {
                        String id = "node-" + (i % 8);
                        registry.seen(id, T0.plusMillis(i));
                        registry.violation(id, T0.plusMillis(i), "thread " + thread);
                    }
                    return null;
                }));
            }
            work.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 200; i++) {
                    registry.evaluate();
                    registry.nodes();
                }
                return null;
            }));
            start.countDown();
            for (Future<?> f : work) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (NodeRecord r : registry.nodes()) {
            assertEquals(750, r.violations(), r.nodeId());
            assertEquals(T0.plusMillis(1999 - (7 - Integer.parseInt(r.nodeId().substring(5)))), r.lastSeen());
        }
    }
}
