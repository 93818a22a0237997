package io.aethercore.b4ae.internal.padding;

import java.util.function.IntUnaryOperator;

/**
 * PADMÉ padding (Nikitin, Barman, Lueks, Underwood, Hubaux, Ford: "Reducing Metadata Leakage from Encrypted
 * Files and Communication with PURBs", PETS 2019, section 4): a length {@code L} is rounded up so that its
 * {@code E - S} low bits are zero, where {@code E = floor(log2 L)} and {@code S = floor(log2 E) + 1}. The
 * padded length keeps only {@code S} significant bits, so at most {@code O(log log L)} bits of the length
 * leak, and the overhead is at most 12 % (it falls as L grows).
 *
 * <p>On top of the paper's function this class clamps to the B4AE buckets: nothing is shorter than
 * {@code minBucket} (small messages all look alike) and no record is longer than {@code maxBucket}; longer
 * payloads are split first ({@link Splitter}). As an {@link IntUnaryOperator} it maps a record's inner
 * plaintext length to the padded length the record carries inside the encryption.
 *
 * <p>Immutable and thread-safe.
 */
public final class Padme implements IntUnaryOperator {

    public static final int DEFAULT_MIN_BUCKET = 1024;
    public static final int DEFAULT_MAX_BUCKET = 16384;

    private final int minBucket;
    private final int maxBucket;

    public Padme(int minBucket, int maxBucket) {
        if (minBucket < 1) {
            throw new IllegalArgumentException("min_bucket_size must be at least 1, got " + minBucket);
        }
        if (maxBucket < minBucket) {
            throw new IllegalArgumentException("max_bucket_size (" + maxBucket + ") must be at least min_bucket_size ("
                    + minBucket + ")");
        }
        this.minBucket = minBucket;
        this.maxBucket = maxBucket;
    }

    public static Padme defaults() {
        return new Padme(DEFAULT_MIN_BUCKET, DEFAULT_MAX_BUCKET);
    }

    public int minBucket() {
        return minBucket;
    }

    public int maxBucket() {
        return maxBucket;
    }

    /**
     * The paper's PADMÉ function, unclamped. Lengths 0 to 2 are returned unchanged (E would be 0 or 1 and
     * no bit can be dropped).
     *
     * @throws IllegalArgumentException for a negative length or one whose padded value overflows a long
     */
    public static long padme(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        if (length < 2) {
            return length;
        }
        int e = 63 - Long.numberOfLeadingZeros(length);          // floor(log2 L), >= 1
        int s = (31 - Integer.numberOfLeadingZeros(e)) + 1;      // floor(log2 E) + 1
        int lastBits = e - s;
        long mask = (1L << lastBits) - 1;
        long padded = (length + mask) & ~mask;
        if (padded < length) {
            throw new IllegalArgumentException("length too large to pad: " + length);
        }
        return padded;
    }

    /**
     * The padded length of a record whose inner plaintext is {@code length} bytes: PADMÉ, then at least
     * {@code minBucket} and at most {@code maxBucket}.
     *
     * @throws IllegalArgumentException when {@code length} is negative or above {@code maxBucket}: such a
     *         payload must be split first
     */
    @Override
    public int applyAsInt(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        if (length > maxBucket) {
            throw new IllegalArgumentException("record of " + length + " bytes exceeds max_bucket_size " + maxBucket
                    + ": split it first (Splitter)");
        }
        long padded = Math.max(minBucket, padme(length));
        return (int) Math.min(maxBucket, padded);
    }

    /** Overhead of the unclamped PADMÉ function for {@code length}, as a fraction ({@code 0.12} = 12 %). */
    public static double overhead(long length) {
        if (length <= 0) {
            return 0;
        }
        return (double) (padme(length) - length) / length;
    }

    @Override
    public String toString() {
        return "PADME[min=" + minBucket + ", max=" + maxBucket + "]";
    }
}
