package io.aethercore.mesh.registry;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.mesh.NodeObservations;
import io.aethercore.api.mesh.NodeStatus;
import io.aethercore.api.mesh.TrustFactor;
import io.aethercore.api.mesh.TrustPolicy;
import io.aethercore.api.mesh.TrustScore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The mesh's trust policy: a weighted sum of four factors, each in [0, 1] (docs/mesh-trust.md).
 *
 * <table>
 *   <caption>factors</caption>
 *   <tr><th>factor</th><th>weight</th><th>value</th></tr>
 *   <tr><td>{@code attestation}</td><td>0.05</td><td>TPM 1.0, software 0.6 (a software node scores at
 *       most 0.98: it can be HEALTHY, and is always visibly lower than a TPM node)</td></tr>
 *   <tr><td>{@code freshness}</td><td>0.25</td><td>1 while the last verified quote is at most 1.5
 *       re-attestation intervals old, then linear down to 0 at 4 intervals; 0 if never attested</td></tr>
 *   <tr><td>{@code liveness}</td><td>0.50</td><td>1 while last heard from at most 3 heartbeat intervals
 *       ago, then linear down to 0 at 12 intervals; 0 if never heard from</td></tr>
 *   <tr><td>{@code conduct}</td><td>0.20</td><td>1 / (1 + 0.25 &times; protocol violations)</td></tr>
 * </table>
 *
 * <p>Status: revoked is {@link NodeStatus#PURGED}; a failed attestation is {@link NodeStatus#COMPROMISED}
 * (nothing else is: silence or packet loss only lowers liveness, so it can quarantine a node but never
 * call it compromised); otherwise the score against the healthy and quarantine thresholds. A score
 * within {@value #EPSILON} below a threshold counts as reaching it, so that rounding in the weighted sum
 * never demotes a node whose score prints as the threshold.
 *
 * <p>Immutable and thread-safe; a pure function of its input.
 */
public final class DefaultTrustPolicy implements TrustPolicy {

    public static final double WEIGHT_ATTESTATION = 0.05;
    public static final double WEIGHT_FRESHNESS = 0.25;
    public static final double WEIGHT_LIVENESS = 0.50;
    public static final double WEIGHT_CONDUCT = 0.20;

    /** The value of the attestation factor for a node without a TPM. */
    public static final double SOFTWARE_ATTESTATION = 0.6;

    public static final double DEFAULT_HEALTHY_THRESHOLD = 0.9;
    public static final double DEFAULT_QUARANTINE_THRESHOLD = 0.6;

    /** Quotes count as fresh up to this many re-attestation intervals, and as worthless from {@link #STALE_AT}. */
    static final double FRESH_UNTIL = 1.5;
    static final double STALE_AT = 4.0;
    /** Liveness is full up to this many heartbeat intervals of silence, and zero from {@link #DEAD_AT}. */
    static final double ALIVE_UNTIL = 3.0;
    static final double DEAD_AT = 12.0;
    /** Each protocol violation adds this much to the divisor of the conduct factor. */
    static final double VIOLATION_PENALTY = 0.25;

    static final double EPSILON = 1e-9;

    private final double healthyThreshold;
    private final double quarantineThreshold;

    /** The default thresholds: HEALTHY from 0.9, QUARANTINED below 0.6. */
    public DefaultTrustPolicy() {
        this(DEFAULT_HEALTHY_THRESHOLD, DEFAULT_QUARANTINE_THRESHOLD);
    }

    /**
     * @param healthyThreshold lowest score that is HEALTHY
     * @param quarantineThreshold lowest score that is DEGRADED (below it: QUARANTINED)
     * @throws IllegalArgumentException unless 0 &lt; quarantine &lt; healthy &le; 1
     */
    public DefaultTrustPolicy(double healthyThreshold, double quarantineThreshold) {
        if (!(quarantineThreshold > 0 && quarantineThreshold < healthyThreshold && healthyThreshold <= 1)) {
            throw new IllegalArgumentException("trust thresholds must satisfy 0 < quarantine < healthy <= 1, got quarantine "
                    + quarantineThreshold + " and healthy " + healthyThreshold);
        }
        this.healthyThreshold = healthyThreshold;
        this.quarantineThreshold = quarantineThreshold;
    }

    public double healthyThreshold() {
        return healthyThreshold;
    }

    public double quarantineThreshold() {
        return quarantineThreshold;
    }

    @Override
    public TrustScore score(NodeObservations o) {
        List<TrustFactor> factors = List.of(attestation(o), freshness(o), liveness(o), conduct(o));
        double sum = 0;
        for (TrustFactor f : factors) {
            sum += f.weight() * f.value();
        }
        return new TrustScore(Math.max(0, Math.min(1, sum)), factors);
    }

    @Override
    public NodeStatus status(TrustScore score, NodeObservations o) {
        if (o.revoked()) {
            return NodeStatus.PURGED;
        }
        if (o.attestationFailure() != null) {
            return NodeStatus.COMPROMISED;
        }
        if (score.value() + EPSILON >= healthyThreshold) {
            return NodeStatus.HEALTHY;
        }
        if (score.value() + EPSILON >= quarantineThreshold) {
            return NodeStatus.DEGRADED;
        }
        return NodeStatus.QUARANTINED;
    }

    static TrustFactor attestation(NodeObservations o) {
        String failed = o.attestationFailure() == null ? "" : "; last attestation FAILED: " + o.attestationFailure();
        if (o.attestation() == AttestationKind.TPM) {
            return new TrustFactor("attestation", WEIGHT_ATTESTATION, 1.0, "TPM 2.0 quotes" + failed);
        }
        return new TrustFactor("attestation", WEIGHT_ATTESTATION, SOFTWARE_ATTESTATION,
                "software: no TPM, quotes prove nothing about the platform" + failed);
    }

    static TrustFactor freshness(NodeObservations o) {
        Duration interval = positive(o.reattestationInterval(), "reattestationInterval");
        String every = "re-attestation due every " + Durations.brief(interval);
        if (o.lastAttested() == null) {
            return new TrustFactor("freshness", WEIGHT_FRESHNESS, 0, "never attested (" + every + ")");
        }
        Duration age = Duration.between(o.lastAttested(), o.now());
        double value = decay(age, interval, FRESH_UNTIL, STALE_AT);
        String detail = value >= 1 ? "last quote verified " + ago(age) + " (" + every + ")"
                : value > 0 ? "quote overdue: last verified " + ago(age) + " (" + every + ")"
                : "quote stale: last verified " + ago(age) + " (" + every + ")";
        return new TrustFactor("freshness", WEIGHT_FRESHNESS, value, detail);
    }

    static TrustFactor liveness(NodeObservations o) {
        Duration interval = positive(o.heartbeatInterval(), "heartbeatInterval");
        String every = "heartbeat every " + Durations.brief(interval);
        if (o.lastSeen() == null) {
            return new TrustFactor("liveness", WEIGHT_LIVENESS, 0, "never heard from (" + every + ")");
        }
        Duration age = Duration.between(o.lastSeen(), o.now());
        double value = decay(age, interval, ALIVE_UNTIL, DEAD_AT);
        double missed = Math.floor(Durations.seconds(age) / Durations.seconds(interval));
        String detail = value >= 1 ? "last heard from " + ago(age) + " (" + every + ")"
                : String.format(Locale.ROOT, "silent for %s, %.0f heartbeats missed (%s)", Durations.brief(age), missed, every);
        return new TrustFactor("liveness", WEIGHT_LIVENESS, value, detail);
    }

    static TrustFactor conduct(NodeObservations o) {
        int v = o.violations();
        double value = 1.0 / (1.0 + VIOLATION_PENALTY * v);
        String detail = v == 0 ? "no protocol violations" : v == 1 ? "1 protocol violation" : v + " protocol violations";
        return new TrustFactor("conduct", WEIGHT_CONDUCT, value, detail);
    }

    /** 1 up to {@code full} intervals of age, linear down to 0 at {@code zero} intervals; a future time counts as age 0. */
    static double decay(Duration age, Duration interval, double full, double zero) {
        double intervals = Math.max(0, Durations.seconds(age)) / Durations.seconds(interval);
        if (intervals <= full) {
            return 1.0;
        }
        if (intervals >= zero) {
            return 0.0;
        }
        return (zero - intervals) / (zero - full);
    }

    private static String ago(Duration age) {
        return Durations.brief(age) + " ago";
    }

    private static Duration positive(Duration d, String name) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }
}
