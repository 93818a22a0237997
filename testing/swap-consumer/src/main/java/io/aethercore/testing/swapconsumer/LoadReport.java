package io.aethercore.testing.swapconsumer;

import java.util.List;
import java.util.Map;

/**
 * What a load run saw.
 *
 * @param calls operations completed successfully with the right digest
 * @param failures operations that threw or returned a wrong digest
 * @param firstFailure description of the first failure, or {@code null}
 * @param callsByProvider successful calls per provider name
 * @param switches provider changes seen by the callers, in order
 * @param maxGapNanos the longest time between two consecutive successful completions on one thread
 */
public record LoadReport(long calls, long failures, String firstFailure, Map<String, Long> callsByProvider,
        List<Switch> switches, long maxGapNanos) {

    /**
     * The first successful call served by {@code to}: it picked the provider at {@code startedNanos}
     * and completed at {@code atNanos} (both {@link System#nanoTime()}).
     */
    public record Switch(String from, String to, long startedNanos, long atNanos) {}
}
