package io.aethercore.b4ae.internal.scheduler;

/** A snapshot of the scheduler's counters since it was built. */
public record SchedulerStats(
        String profile,
        boolean constantRate,
        double slotRate,
        long slots,
        long realSent,
        long dummiesSent,
        long emptySlots,
        long missedSlots,
        long latencyBreaches,
        long rejected,
        long sinkFailures,
        int queueDepth) {

    /** Dummies among all records the scheduler sent, 0 when nothing was sent. */
    public double dummyRatio() {
        long all = realSent + dummiesSent;
        return all == 0 ? 0 : (double) dummiesSent / all;
    }
}
