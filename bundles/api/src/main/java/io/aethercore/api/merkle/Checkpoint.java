package io.aethercore.api.merkle;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A log's size and root at a moment, as the text of a C2SP {@code tlog-checkpoint}:
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
 *
 * <p>{@link #parse} accepts exactly the text {@link #body()} writes (no other extension lines, the
 * timestamp as {@link Instant#toString()} spells it): signatures cover the text, and the parsed
 * checkpoint must be that very text, or a signature would vouch for lines nobody verified.
 */
public final class Checkpoint {

    static final int MAX_BODY = 16 * 1024;
    private static final String TIMESTAMP = "timestamp ";

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

    private static void checkOrigin(String origin) {
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

    /** The note text that is signed, ending in a newline. */
    public String body() {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n"
                + TIMESTAMP + timestamp + "\n";
    }

    /**
     * Parses a note text strictly.
     *
     * @throws InvalidProofException naming the malformed line
     */
    public static Checkpoint parse(String body) throws InvalidProofException {
        if (body == null || body.length() > MAX_BODY) {
            throw new InvalidProofException("checkpoint is missing or larger than " + MAX_BODY + " bytes");
        }
        if (!body.endsWith("\n")) {
            throw new InvalidProofException("checkpoint text must end with a newline");
        }
        String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
        if (lines.length < 4) {
            throw new InvalidProofException("checkpoint needs origin, size, root and timestamp lines");
        }
        if (lines.length > 4) {
            // a signature covers the text, but body() would not reproduce these lines: refuse them
            throw new InvalidProofException("checkpoint has lines after its timestamp line");
        }
        String origin = lines[0];
        try {
            checkOrigin(origin);
        } catch (IllegalArgumentException e) {
            throw new InvalidProofException(e.getMessage());
        }
        long size;
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw new InvalidProofException("checkpoint size line is not a canonical decimal number");
        }
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw new InvalidProofException("checkpoint size does not fit 63 bits");
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new InvalidProofException("checkpoint root line is not base64");
        }
        if (root.length != 32 || !Base64.getEncoder().encodeToString(root).equals(lines[2])) {
            throw new InvalidProofException("checkpoint root must be 32 bytes in canonical base64");
        }
        if (!lines[3].startsWith(TIMESTAMP)) {
            throw new InvalidProofException("checkpoint has no timestamp line");
        }
        String text = lines[3].substring(TIMESTAMP.length());
        Instant ts;
        try {
            ts = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidProofException("checkpoint timestamp is not an RFC 3339 instant");
        }
        if (!ts.toString().equals(text)) {
            // another spelling of the instant (offset, case, trailing zeros) is another signed text
            throw new InvalidProofException("checkpoint timestamp is not in canonical form (" + ts + ")");
        }
        return new Checkpoint(origin, size, root, ts);
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
        return body().replace("\n", " | ");
    }

    byte[] bodyBytes() {
        return body().getBytes(StandardCharsets.UTF_8);
    }
}
