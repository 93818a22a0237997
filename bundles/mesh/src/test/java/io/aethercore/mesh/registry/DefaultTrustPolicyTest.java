package io.aethercore.mesh.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.mesh.NodeObservations;
import io.aethercore.api.mesh.NodeStatus;
import io.aethercore.api.mesh.TrustFactor;
import io.aethercore.api.mesh.TrustScore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DefaultTrustPolicyTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final Duration REATTEST = Duration.ofHours(1);
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private final DefaultTrustPolicy policy = new DefaultTrustPolicy();

    private static NodeObservations obs(AttestationKind kind, Instant attested, String failure, Instant seen,
            int violations, boolean revoked) {
        return new NodeObservations(kind, attested, failure, seen, violations, revoked, REATTEST, HEARTBEAT, NOW);
    }

    private static NodeObservations healthy(AttestationKind kind) {
        return obs(kind, NOW, null, NOW, 0, false);
    }

    private static TrustFactor factor(TrustScore s, String name) {
        return s.factors().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void fourFactorsWhoseWeightsSumToOne() {
        TrustScore s = policy.score(healthy(AttestationKind.TPM));
        assertEquals(List.of("attestation", "freshness", "liveness", "conduct"),
                s.factors().stream().map(TrustFactor::name).toList());
        assertEquals(List.of(0.05, 0.25, 0.50, 0.20), s.factors().stream().map(TrustFactor::weight).toList());
        assertEquals(1.0, s.factors().stream().mapToDouble(TrustFactor::weight).sum(), 1e-12);
        assertEquals(1.0, s.value(), 1e-12);
    }

    @Test
    void softwareNodeIsHealthyAtBestButVisiblyBelowTpm() {
        TrustScore tpm = policy.score(healthy(AttestationKind.TPM));
        TrustScore sw = policy.score(healthy(AttestationKind.SOFTWARE));
        assertEquals(0.98, sw.value(), 1e-12);
        assertEquals("0.98", NodeTable.score(sw.value()));
        assertEquals("1.00", NodeTable.score(tpm.value()));
        assertEquals(NodeStatus.HEALTHY, policy.status(sw, healthy(AttestationKind.SOFTWARE)));
        assertEquals(0.6, factor(sw, "attestation").value());
        assertTrue(factor(sw, "attestation").detail().startsWith("software"), factor(sw, "attestation").detail());
        // in every situation, a software node scores lower than a TPM node with the same history
        for (int seconds : new int[] {0, 20, 30, 50, 70}) {
            NodeObservations t = obs(AttestationKind.TPM, NOW, null, NOW.minusSeconds(seconds), 1, false);
            NodeObservations s = obs(AttestationKind.SOFTWARE, NOW, null, NOW.minusSeconds(seconds), 1, false);
            assertTrue(policy.score(s).value() < policy.score(t).value(), "at " + seconds + "s");
        }
    }

    @Test
    void freshnessIsFullUpToOneAndAHalfIntervalsThenFallsToZeroAtFour() {
        assertEquals(1.0, freshness(Duration.ZERO));
        assertEquals(1.0, freshness(Duration.ofMinutes(90)));
        assertEquals(1.0 - 1.0 / 150, freshness(Duration.ofMinutes(91)), 1e-12);
        assertEquals(0.5, freshness(Duration.ofMinutes(165)), 1e-12);
        assertEquals(0.0, freshness(Duration.ofMinutes(240)));
        assertEquals(0.0, freshness(Duration.ofDays(400)));
        assertEquals(1.0, freshness(Duration.ofMinutes(-5)), "a quote from the future counts as fresh, not as an error");
        assertEquals("last quote verified 1h ago (re-attestation due every 1h)",
                factor(policy.score(obs(AttestationKind.TPM, NOW.minus(Duration.ofMinutes(90)), null, NOW, 0, false)), "freshness").detail());
        assertEquals("quote overdue: last verified 2h ago (re-attestation due every 1h)",
                factor(policy.score(obs(AttestationKind.TPM, NOW.minus(Duration.ofMinutes(165)), null, NOW, 0, false)), "freshness").detail());
    }

    @Test
    void neverAttestedHasNoFreshness() {
        TrustFactor f = factor(policy.score(obs(AttestationKind.TPM, null, null, NOW, 0, false)), "freshness");
        assertEquals(0.0, f.value());
        assertTrue(f.detail().startsWith("never attested"), f.detail());
    }

    @Test
    void livenessIsFullUpToThreeHeartbeatsThenFallsToZeroAtTwelve() {
        assertEquals(1.0, liveness(Duration.ZERO));
        assertEquals(1.0, liveness(Duration.ofSeconds(15)));
        assertEquals(0.5, liveness(Duration.ofMillis(37_500)), 1e-12);
        assertEquals(0.0, liveness(Duration.ofSeconds(60)));
        assertEquals(0.0, liveness(Duration.ofHours(5)));
        TrustFactor never = factor(policy.score(obs(AttestationKind.TPM, NOW, null, null, 0, false)), "liveness");
        assertEquals(0.0, never.value());
        assertEquals("never heard from (heartbeat every 5s)", never.detail());
        assertEquals("last heard from 2s ago (heartbeat every 5s)",
                factor(policy.score(obs(AttestationKind.TPM, NOW, null, NOW.minusSeconds(2), 0, false)), "liveness").detail());
        assertEquals("silent for 40s, 8 heartbeats missed (heartbeat every 5s)",
                factor(policy.score(obs(AttestationKind.TPM, NOW, null, NOW.minusSeconds(40), 0, false)), "liveness").detail());
    }

    @Test
    void conductDividesByOnePlusAQuarterPerViolation() {
        assertEquals(1.0, conduct(0));
        assertEquals(0.8, conduct(1), 1e-12);
        assertEquals(0.5, conduct(4), 1e-12);
        assertEquals(0.25, conduct(12), 1e-12);
        assertTrue(conduct(Integer.MAX_VALUE) > 0);
        assertEquals("no protocol violations", factor(policy.score(healthy(AttestationKind.TPM)), "conduct").detail());
        assertEquals("3 protocol violations",
                factor(policy.score(obs(AttestationKind.TPM, NOW, null, NOW, 3, false)), "conduct").detail());
    }

    @Test
    void silenceDegradesThenQuarantinesButNeverCompromises() {
        // TPM node, fresh quote, no violations: score = 0.5 + 0.5 * liveness
        assertEquals(NodeStatus.HEALTHY, statusAfterSilence(15));
        assertEquals(NodeStatus.HEALTHY, statusAfterSilence(24), "exactly 0.9 is healthy");
        assertEquals(NodeStatus.DEGRADED, statusAfterSilence(25));
        assertEquals(NodeStatus.DEGRADED, statusAfterSilence(51), "exactly 0.6 is degraded");
        assertEquals(NodeStatus.QUARANTINED, statusAfterSilence(52));
        assertEquals(NodeStatus.QUARANTINED, statusAfterSilence(86_400 * 30));
        NodeObservations gone = obs(AttestationKind.SOFTWARE, null, null, null, 1000, false);
        assertEquals(NodeStatus.QUARANTINED, policy.status(policy.score(gone), gone));
    }

    @Test
    void attestationFailureIsCompromisedWhateverTheScore() {
        NodeObservations failed = obs(AttestationKind.TPM, NOW, "PCR 7 differs", NOW, 0, false);
        TrustScore s = policy.score(failed);
        assertEquals(1.0, s.value(), 1e-12);
        assertEquals(NodeStatus.COMPROMISED, policy.status(s, failed));
        assertTrue(factor(s, "attestation").detail().contains("PCR 7 differs"));
        NodeObservations failedAndSilent = obs(AttestationKind.TPM, NOW, "PCR 7 differs", null, 0, false);
        assertEquals(NodeStatus.COMPROMISED, policy.status(policy.score(failedAndSilent), failedAndSilent));
    }

    @Test
    void revokedIsPurgedEvenWhenAlsoCompromised() {
        NodeObservations revoked = obs(AttestationKind.TPM, NOW, null, NOW, 0, true);
        assertEquals(NodeStatus.PURGED, policy.status(policy.score(revoked), revoked));
        NodeObservations both = obs(AttestationKind.TPM, NOW, "PCR 0 differs", NOW, 0, true);
        assertEquals(NodeStatus.PURGED, policy.status(policy.score(both), both));
    }

    @Test
    void thresholdsAreParametersAndValidated() {
        DefaultTrustPolicy strict = new DefaultTrustPolicy(0.99, 0.95);
        NodeObservations sw = healthy(AttestationKind.SOFTWARE);
        assertEquals(NodeStatus.DEGRADED, strict.status(strict.score(sw), sw));
        NodeObservations silent = obs(AttestationKind.TPM, NOW, null, NOW.minusSeconds(25), 0, false);
        assertEquals(NodeStatus.QUARANTINED, strict.status(strict.score(silent), silent));
        assertEquals(0.9, new DefaultTrustPolicy().healthyThreshold());
        assertEquals(0.6, new DefaultTrustPolicy().quarantineThreshold());
        new DefaultTrustPolicy(1.0, 0.01);
        assertThrows(IllegalArgumentException.class, () -> new DefaultTrustPolicy(0.9, 0));
        assertThrows(IllegalArgumentException.class, () -> new DefaultTrustPolicy(0.6, 0.6));
        assertThrows(IllegalArgumentException.class, () -> new DefaultTrustPolicy(0.5, 0.6));
        assertThrows(IllegalArgumentException.class, () -> new DefaultTrustPolicy(1.01, 0.6));
        assertThrows(IllegalArgumentException.class, () -> new DefaultTrustPolicy(Double.NaN, 0.6));
    }

    @Test
    void zeroIntervalsAreRefused() {
        NodeObservations o = new NodeObservations(AttestationKind.TPM, NOW, null, NOW, 0, false, Duration.ZERO, HEARTBEAT, NOW);
        assertThrows(IllegalArgumentException.class, () -> policy.score(o));
    }

    @Test
    void everyFactorAndScoreStaysInRangeAndTheScoreIsTheWeightedSum() {
        Random random = new Random(42);
        for (int i = 0; i < 5000; i++) {
            AttestationKind kind = random.nextBoolean() ? AttestationKind.TPM : AttestationKind.SOFTWARE;
            Instant attested = random.nextInt(10) == 0 ? null : NOW.minusSeconds(random.nextInt(20_000) - 1000);
            Instant seen = random.nextInt(10) == 0 ? null : NOW.minusSeconds(random.nextInt(100) - 5);
            NodeObservations o = obs(kind, attested, null, seen, random.nextInt(50), false);
            TrustScore s = policy.score(o);
            double sum = 0;
            for (TrustFactor f : s.factors()) {
                assertTrue(f.value() >= 0 && f.value() <= 1, f.toString());
                sum += f.weight() * f.value();
            }
            assertEquals(sum, s.value(), 1e-12);
            assertTrue(policy.status(s, o) != NodeStatus.COMPROMISED && policy.status(s, o) != NodeStatus.PURGED);
        }
    }

    private NodeStatus statusAfterSilence(long seconds) {
        NodeObservations o = obs(AttestationKind.TPM, NOW, null, NOW.minusSeconds(seconds), 0, false);
        return policy.status(policy.score(o), o);
    }

    private double freshness(Duration age) {
        return DefaultTrustPolicy.freshness(obs(AttestationKind.TPM, NOW.minus(age), null, NOW, 0, false)).value();
    }

    private double liveness(Duration age) {
        return DefaultTrustPolicy.liveness(obs(AttestationKind.TPM, NOW, null, NOW.minus(age), 0, false)).value();
    }

    private double conduct(int violations) {
        return DefaultTrustPolicy.conduct(obs(AttestationKind.TPM, NOW, null, NOW, violations, false)).value();
    }
}
