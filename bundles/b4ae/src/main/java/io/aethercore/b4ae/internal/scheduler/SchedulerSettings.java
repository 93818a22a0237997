package io.aethercore.b4ae.internal.scheduler;

/**
 * What the global scheduler does; immutable, swapped as a whole by {@link GlobalScheduler#reconfigure}.
 *
 * <h2>Slots</h2>
 * In constant-rate mode the scheduler runs a fixed grid of send slots. The grid interval is
 * {@code min(1 / target_rate, max_queue_latency_ms / 4)}: the document pairs 100 messages/s with a 5 ms
 * latency, but a message that arrives at a random moment waits up to a whole interval (10 ms at 100/s) for the
 * next slot, and one more interval for each message ahead of it, so a grid of exactly {@code target_rate}
 * slots/s cannot keep any latency bound below one interval. With a quarter of the bound, a message meets the
 * bound with up to two messages ahead of it plus a wake-up delay of up to one interval; at the target rate
 * the grid is then at most 1/8 busy and, with Poisson arrivals, well over 99 % of messages meet the bound. {@code target_rate} stays the unit of the cover
 * traffic: an empty slot carries a dummy with probability {@code dummy_rate * target_rate * interval}, so an
 * idle node sends {@code dummy_rate * target_rate} dummies per second whatever the grid.
 *
 * <h2>Outside constant-rate mode</h2>
 * Real messages pass through as soon as the scheduler thread sees them. With {@code traffic_shaping_enabled}
 * each real message is held a random delay drawn uniformly from {@code [timing_delay_min_ms,
 * timing_delay_max_ms]} and cover dummies are sent as a Poisson process of {@code cover_traffic_rate *
 * target_rate} per second. In constant-rate mode the timing delays are not applied: the grid already
 * decouples send times from submission times.
 */
public record SchedulerSettings(
        String profile,
        double targetRate,
        double dummyRate,
        boolean constantRate,
        double maxQueueLatencyMs,
        double coverTrafficRate,
        long timingDelayMinMs,
        long timingDelayMaxMs,
        boolean trafficShapingEnabled,
        int maxQueueSize) {

    public static final int DEFAULT_MAX_QUEUE_SIZE = 10_000;

    public SchedulerSettings {
        check(targetRate > 0 && Double.isFinite(targetRate), "target_rate must be > 0, got " + targetRate);
        check(dummyRate >= 0 && dummyRate <= 1, "dummy_rate must be in [0.0, 1.0], got " + dummyRate);
        check(maxQueueLatencyMs > 0 && Double.isFinite(maxQueueLatencyMs),
                "max_queue_latency_ms must be > 0, got " + maxQueueLatencyMs);
        check(coverTrafficRate >= 0 && coverTrafficRate <= 1,
                "cover_traffic_rate must be in [0.0, 1.0], got " + coverTrafficRate);
        check(timingDelayMinMs >= 0 && timingDelayMaxMs >= timingDelayMinMs,
                "timing delays must satisfy 0 <= timing_delay_min_ms <= timing_delay_max_ms, got "
                        + timingDelayMinMs + ", " + timingDelayMaxMs);
        check(maxQueueSize >= 1, "max_queue_size must be >= 1, got " + maxQueueSize);
        profile = profile == null ? "custom" : profile;
    }

    private static void check(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException(msg);
        }
    }

    /** The document's config.toml values (which are the balanced profile). */
    public static SchedulerSettings defaults() {
        return new SchedulerSettings("balanced", 100.0, 0.2, true, 5.0, 0.2, 50, 500, true, DEFAULT_MAX_QUEUE_SIZE);
    }

    public static SchedulerSettings of(Profile p) {
        return defaults().withProfile(p);
    }

    public SchedulerSettings withProfile(Profile p) {
        return new SchedulerSettings(p.id(), p.targetRate(), p.dummyRate(), constantRate, p.maxQueueLatencyMs(),
                coverTrafficRate, timingDelayMinMs, timingDelayMaxMs, trafficShapingEnabled, maxQueueSize);
    }

    public SchedulerSettings withRates(double newTargetRate, double newDummyRate, double newMaxQueueLatencyMs) {
        return new SchedulerSettings("custom", newTargetRate, newDummyRate, constantRate, newMaxQueueLatencyMs,
                coverTrafficRate, timingDelayMinMs, timingDelayMaxMs, trafficShapingEnabled, maxQueueSize);
    }

    public SchedulerSettings withConstantRate(boolean on) {
        return new SchedulerSettings(profile, targetRate, dummyRate, on, maxQueueLatencyMs, coverTrafficRate,
                timingDelayMinMs, timingDelayMaxMs, trafficShapingEnabled, maxQueueSize);
    }

    public SchedulerSettings withShaping(boolean on, long minMs, long maxMs, double coverRate) {
        return new SchedulerSettings(profile, targetRate, dummyRate, constantRate, maxQueueLatencyMs, coverRate,
                minMs, maxMs, on, maxQueueSize);
    }

    public SchedulerSettings withMaxQueueSize(int size) {
        return new SchedulerSettings(profile, targetRate, dummyRate, constantRate, maxQueueLatencyMs, coverTrafficRate,
                timingDelayMinMs, timingDelayMaxMs, trafficShapingEnabled, size);
    }

    /** Interval of the constant-rate grid, see the class comment. */
    public long slotIntervalNanos() {
        double byRate = 1e9 / targetRate;
        double byLatency = maxQueueLatencyMs * 1e6 / 4;
        return Math.max(10_000L, (long) Math.min(byRate, byLatency));
    }

    /** Slots per second of the constant-rate grid. */
    public double slotRate() {
        return 1e9 / slotIntervalNanos();
    }

    /** Probability that an empty slot carries a dummy. */
    public double dummyProbabilityPerEmptySlot() {
        return Math.min(1.0, dummyRate * targetRate * slotIntervalNanos() / 1e9);
    }

    /** Latency above which a real message counts as a breach. */
    public long latencyBoundNanos() {
        long bound = (long) (maxQueueLatencyMs * 1e6);
        if (!constantRate && trafficShapingEnabled) {
            bound += timingDelayMaxMs * 1_000_000L;             // the shaping delay is deliberate
        }
        return bound;
    }
}
