package io.aethercore.b4ae.internal;

/**
 * Sliding anti-replay window over record counters (§6.1), 2048 counters wide. {@link #check} before
 * decryption (cheap rejection), {@link #accept} after authentication. Not thread-safe: callers lock.
 */
final class ReplayWindow {

    static final int SIZE = 2048;
    private static final int WORDS = SIZE / 64;

    private final long[] bits = new long[WORDS];
    private long highest = -1;

    /** Whether the counter could be new: not older than the window, not already seen. */
    boolean check(long counter) {
        if (counter < 0) {
            return false;
        }
        if (counter > highest) {
            return true;
        }
        if (highest - counter >= SIZE) {
            return false;
        }
        int bit = (int) (counter % SIZE);
        return (bits[bit >>> 6] & (1L << (bit & 63))) == 0;
    }

    /** Marks a counter as seen; returns false if it was a replay or too old. */
    boolean accept(long counter) {
        if (!check(counter)) {
            return false;
        }
        if (counter > highest) {
            long shift = highest < 0 ? SIZE : Math.min(counter - highest, SIZE);
            for (long c = highest + 1; c <= highest + shift; c++) {
                int bit = (int) (c % SIZE);
                bits[bit >>> 6] &= ~(1L << (bit & 63));
            }
            highest = counter;
        }
        int bit = (int) (counter % SIZE);
        bits[bit >>> 6] |= 1L << (bit & 63);
        return true;
    }

    long highest() {
        return highest;
    }
}
