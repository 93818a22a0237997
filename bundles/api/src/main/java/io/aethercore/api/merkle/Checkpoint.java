package io.aethercore.api.merkle;

import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A log's size and root at a moment: the value of a C2SP {@code tlog-checkpoint}. Its text form (written
 * and parsed by the formats bundle's {@code CheckpointNotes}) is:
 *
 * <pre>
 * &lt;origin&gt;
 * &lt;tree size, decimal&gt;
 * &lt;root hash, base64&gt;
 * timestamp &lt;RFC 3339 UTC instant, nanosecond precision&gt;
 * </pre>
 *
 * The first three lines are the standard ones; the fourth is an extension line. Each line ends in a
 * newline. Signing it makes a {@link SignedCheckpoint}.
 */
public final class Checkpoint {

    private final String origin;
    private final long size;
    private final byte[] root;
    private final Instant timestamp;

    public Checkpoint(String origin, long size, byte[] root, Instant timestamp) {
        checkOrigin(origin);
        if (size < 0) {
            throw new IllegalArgumentException("tree size must not be negative");
        }
        this.origin = origin;
        this.size = size;
        this.root = Objects.requireNonNull(root, "root").clone();
        this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
    }

    /** Refuses an origin that the note text cannot carry (empty, over 256 characters, spaces or controls). */
    public static void checkOrigin(String origin) {
        if (origin == null || origin.isEmpty() || origin.length() > 256) {
            throw new IllegalArgumentException("checkpoint origin must be 1 to 256 characters");
        }
        for (int i = 0; i < origin.length(); i++) {
            char c = origin.charAt(i);
            if (c < 0x21 || c == 0x7f) {
                throw new IllegalArgumentException("checkpoint origin must not contain spaces or control characters");
            }
        }
    }

    /** Who publishes the log: a schema-less URL-like name unique to the log, e.g. {@code node-7.aethercore/audit}. */
    public String origin() {
        return origin;
    }

    public long size() {
        return size;
    }

    public byte[] root() {
        return root.clone();
    }

    public Instant timestamp() {
        return timestamp;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && c.origin.equals(origin) && c.size == size
                && Arrays.equals(c.root, root) && c.timestamp.equals(timestamp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, size, Arrays.hashCode(root), timestamp);
    }

    @Override
    public String toString() {
        return origin + " | " + size + " | " + Base64.getEncoder().encodeToString(root) + " | timestamp " + timestamp + " | ";
    }
}
