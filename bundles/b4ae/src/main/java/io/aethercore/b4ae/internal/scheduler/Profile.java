package io.aethercore.b4ae.internal.scheduler;

import java.util.Locale;

/**
 * The three scheduler presets of docs/configuration.md ("The profiles"): target rate,
 * dummy rate and the latency column, which we take as the queue-latency bound.
 */
public enum Profile {
    LOW_OVERHEAD("low_overhead", 1000.0, 0.0, 0.5),
    BALANCED("balanced", 100.0, 0.2, 5.0),
    HIGH_SECURITY("high_security", 10.0, 0.5, 50.0);

    private final String id;
    private final double targetRate;
    private final double dummyRate;
    private final double maxQueueLatencyMs;

    Profile(String id, double targetRate, double dummyRate, double maxQueueLatencyMs) {
        this.id = id;
        this.targetRate = targetRate;
        this.dummyRate = dummyRate;
        this.maxQueueLatencyMs = maxQueueLatencyMs;
    }

    /** The document's name: {@code low_overhead}, {@code balanced}, {@code high_security}. */
    public String id() {
        return id;
    }

    public double targetRate() {
        return targetRate;
    }

    public double dummyRate() {
        return dummyRate;
    }

    public double maxQueueLatencyMs() {
        return maxQueueLatencyMs;
    }

    /** Applies this preset's rate, dummy rate and latency bound to {@code base}, keeping its other settings. */
    public SchedulerSettings applyTo(SchedulerSettings base) {
        return base.withProfile(this);
    }

    /**
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Profile parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Profile p : values()) {
            if (p.id.equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown profile '" + s + "': allowed low_overhead, balanced, high_security");
    }
}
