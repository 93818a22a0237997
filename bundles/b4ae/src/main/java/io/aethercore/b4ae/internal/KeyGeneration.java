package io.aethercore.b4ae.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which generation of its identity keys a node uses (rotation, docs/b4ae-protocol.md §1.2), persisted in
 * {@code key-generation-<node>.txt}:
 *
 * <pre>
 * generation=2
 * created=2026-03-01T10:00:00Z
 * previous_until=2026-03-08T10:00:00Z
 * </pre>
 *
 * {@code created} is when this generation was made (for generation 0: the first start with rotation support);
 * {@code previous_until}, present only during an overlap, is when the previous generation stops being
 * accepted. Generation 0 keeps the configured labels; generation n uses {@code <label>-g<n>}. Parsing is
 * strict: an unknown or repeated key, a missing one or a bad value is an error naming the file and line.
 */
record KeyGeneration(int generation, Instant created, Instant previousUntil) {

    static final int MAX_GENERATION = 1_000_000;

    KeyGeneration {
        Objects.requireNonNull(created, "created");
        if (generation < 0 || generation > MAX_GENERATION) {
            throw new IllegalArgumentException("generation " + generation + " out of range");
        }
        if (previousUntil != null && generation == 0) {
            throw new IllegalArgumentException("generation 0 has no previous generation");
        }
    }

    /** The custody label of generation {@code n} of a key configured as {@code label}. */
    static String label(String label, int n) {
        return n == 0 ? label : label + "-g" + n;
    }

    static Path file(Path dir, String node) {
        return dir == null ? null : dir.resolve("key-generation-" + node + ".txt");
    }

    KeyGeneration next(Instant now, Instant overlapEnd) {
        return new KeyGeneration(generation + 1, now, overlapEnd);
    }

    KeyGeneration withoutPrevious() {
        return new KeyGeneration(generation, created, null);
    }

    String format() {
        return "# B4AE identity key generation of this endpoint (written by the node; see docs/b4ae-protocol.md)\n"
                + "generation=" + generation + "\ncreated=" + created + "\n"
                + (previousUntil == null ? "" : "previous_until=" + previousUntil + "\n");
    }

    void save(Path file) {
        if (file != null) {
            StateFiles.write(file, format(), "the B4AE key generation");
        }
    }

    /**
     * Reads the file; when it does not exist, generation 0 created {@code now} is written (the age of the keys
     * a node had before rotation support counts from this first start). {@code file} null: in memory only.
     */
    static KeyGeneration loadOrStart(Path file, Instant now) {
        List<String> lines = StateFiles.read(file, "the B4AE key generation");
        if (lines == null) {
            KeyGeneration g = new KeyGeneration(0, now, null);
            g.save(file);
            return g;
        }
        return parse(file, lines);
    }

    static KeyGeneration parse(Path file, List<String> lines) {
        Map<String, String> values = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq).strip();
            if (eq < 0 || !List.of("generation", "created", "previous_until").contains(key)) {
                throw new StateFiles.BadStateFile(file, i + 1, "'" + abbreviate(line)
                        + "' is not one of generation=, created=, previous_until=");
            }
            if (values.put(key, line.substring(eq + 1).strip()) != null) {
                throw new StateFiles.BadStateFile(file, i + 1, key + " is given twice");
            }
            lineOf.put(key, i + 1);
        }
        for (String required : List.of("generation", "created")) {
            if (!values.containsKey(required)) {
                throw new StateFiles.BadStateFile(file, 0, required + "= is missing");
            }
        }
        int generation;
        try {
            generation = Integer.parseInt(values.get("generation"));
        } catch (NumberFormatException e) {
            throw new StateFiles.BadStateFile(file, lineOf.get("generation"), "generation is not a whole number");
        }
        Instant created = instant(file, values, lineOf, "created");
        Instant until = values.containsKey("previous_until") ? instant(file, values, lineOf, "previous_until") : null;
        try {
            return new KeyGeneration(generation, created, until);
        } catch (IllegalArgumentException e) {
            throw new StateFiles.BadStateFile(file, lineOf.get("generation"), e.getMessage());
        }
    }

    private static Instant instant(Path file, Map<String, String> v, Map<String, Integer> lineOf, String key) {
        try {
            return Instant.parse(v.get(key));
        } catch (DateTimeParseException e) {
            throw new StateFiles.BadStateFile(file, lineOf.get(key), key + " is not an ISO-8601 instant");
        }
    }

    static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
