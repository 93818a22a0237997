package io.aethercore.b4ae.internal;

import java.util.function.LongSupplier;

/**
 * First-message replay filter (§4.3): two Bloom filters of {@code capacity} entries each at a 1e-3
 * false-positive rate (about 14.4 bits and 10 probes per entry). Every {@code periodNanos} the older
 * filter is cleared and becomes the current one; lookups consult both, so an entry stays visible for at
 * least one full period after insertion: no reset gap. Positions come from a 32-byte secret-keyed digest
 * (the caller hashes with a per-process key), so an attacker cannot aim at chosen bits. Thread-safe.
 */
final class RotatingBloom {

    static final int PROBES = 10;

    private final long[][] filters = new long[2][];
    private final long bitCount;
    private final long periodNanos;
    private final LongSupplier clock;
    private int current;
    private long rotatedAt;

    RotatingBloom(int capacity, long periodNanos, LongSupplier clock) {
        if (capacity < 1 || capacity > 100_000_000) {
            throw new IllegalArgumentException("bloom_filter_size must be 1..100000000, got " + capacity);
        }
        long bits = Math.max(64, (long) Math.ceil(capacity * 14.378));
        long words = (bits + 63) / 64;
        this.bitCount = words * 64;
        filters[0] = new long[(int) words];
        filters[1] = new long[(int) words];
        this.periodNanos = periodNanos;
        this.clock = clock;
        this.rotatedAt = clock.getAsLong();
    }

    long memoryBytes() {
        return 2L * filters[0].length * 8;
    }

    private void maybeRotate() {
        long now = clock.getAsLong();
        long elapsed = now - rotatedAt;
        if (elapsed >= periodNanos) {
            if (elapsed >= 2 * periodNanos) {
                java.util.Arrays.fill(filters[0], 0L);
                java.util.Arrays.fill(filters[1], 0L);
            } else {
                int older = current ^ 1;
                java.util.Arrays.fill(filters[older], 0L);
                current = older;
            }
            rotatedAt = now;
        }
    }

    private static long h1(byte[] d) {
        return Bytes.u64(d, 0);
    }

    private static long h2(byte[] d) {
        return Bytes.u64(d, 8) | 1L;
    }

    /** @param digest at least 16 bytes of keyed hash of the item */
    synchronized boolean mightContain(byte[] digest) {
        maybeRotate();
        return in(filters[0], digest) || in(filters[1], digest);
    }

    private boolean in(long[] f, byte[] d) {
        long a = h1(d);
        long b = h2(d);
        for (int i = 0; i < PROBES; i++) {
            long bit = Long.remainderUnsigned(a + i * b, bitCount);
            if ((f[(int) (bit >>> 6)] & (1L << (bit & 63))) == 0) {
                return false;
            }
        }
        return true;
    }

    synchronized void add(byte[] digest) {
        maybeRotate();
        long[] f = filters[current];
        long a = h1(digest);
        long b = h2(digest);
        for (int i = 0; i < PROBES; i++) {
            long bit = Long.remainderUnsigned(a + i * b, bitCount);
            f[(int) (bit >>> 6)] |= 1L << (bit & 63);
        }
    }
}
