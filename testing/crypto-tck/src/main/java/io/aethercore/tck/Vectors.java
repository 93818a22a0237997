package io.aethercore.tck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads the official test vectors bundled with the TCK (resources under {@value #BASE}, described in
 * {@code SOURCES.md} there) as Jackson trees, and decodes their hex fields.
 */
public final class Vectors {

    /** Resource folder of the vector files. */
    public static final String BASE = "/io/aethercore/tck/vectors/";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final Map<String, JsonNode> CACHE = new ConcurrentHashMap<>();

    /**
     * The parsed vector file {@code name} (for example {@code "blake3_test_vectors.json"}).
     *
     * @throws IllegalStateException if the file is not bundled (a missing vector file is a TCK
     *     packaging error and must fail the test, never skip it)
     */
    public static JsonNode load(String name) {
        return CACHE.computeIfAbsent(name, Vectors::read);
    }

    private static JsonNode read(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("test vector file " + BASE + name + " is not on the class path");
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse test vector file " + name, e);
        }
    }

    /** Decodes hex (either case); {@code ""} is the empty array. */
    public static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }

    /**
     * Decodes the hex text field {@code field} of {@code node}.
     *
     * @throws IllegalStateException if the field is missing or not text
     */
    public static byte[] hex(JsonNode node, String field) {
        return hex(text(node, field));
    }

    /** Decodes an optional hex field; {@code null} when absent or JSON null. */
    public static byte[] hexOrNull(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : hex(v.asText());
    }

    /** Lower-case hex of {@code bytes}, for messages. */
    public static String toHex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /**
     * The text field {@code field} of {@code node}.
     *
     * @throws IllegalStateException if it is missing or not text
     */
    public static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalStateException("vector field '" + field + "' missing or not text in " + abbreviate(node));
        }
        return v.asText();
    }

    /**
     * The integer field {@code field} of {@code node}.
     *
     * @throws IllegalStateException if it is missing or not a number
     */
    public static int integer(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new IllegalStateException("vector field '" + field + "' missing or not an int in " + abbreviate(node));
        }
        return v.asInt();
    }

    /**
     * The elements of the array field {@code field}.
     *
     * @throws IllegalStateException if it is missing, not an array, or empty (an empty vector list would
     *     make a test pass vacuously)
     */
    public static List<JsonNode> array(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw new IllegalStateException("vector field '" + field + "' missing, not an array or empty");
        }
        List<JsonNode> out = new ArrayList<>(v.size());
        v.forEach(out::add);
        return out;
    }

    /**
     * Every test of a Wycheproof file, each paired with its group ({@code testGroups[].tests[]}).
     *
     * @throws IllegalStateException if the file has no tests
     */
    public static List<WycheproofTest> wycheproof(String name) {
        JsonNode root = load(name);
        List<WycheproofTest> out = new ArrayList<>();
        for (JsonNode group : array(root, "testGroups")) {
            for (JsonNode test : array(group, "tests")) {
                out.add(new WycheproofTest(name, group, test));
            }
        }
        return out;
    }

    /** One Wycheproof test and its group. */
    public record WycheproofTest(String file, JsonNode group, JsonNode test) {

        public int tcId() {
            return test.path("tcId").asInt();
        }

        public String comment() {
            return test.path("comment").asText("");
        }

        /** {@code valid}, {@code invalid} or {@code acceptable}. */
        public String result() {
            return text(test, "result");
        }

        public boolean hasFlag(String flag) {
            for (JsonNode f : test.path("flags")) {
                if (f.asText().equals(flag)) {
                    return true;
                }
            }
            return false;
        }

        public byte[] hex(String field) {
            return Vectors.hex(test, field);
        }

        /** A short description for assertion messages: file, tcId, result, comment and flags. */
        public String describe() {
            return file + " tcId " + tcId() + " (" + test.path("result").asText() + ", '" + comment() + "', flags "
                    + test.path("flags") + ")";
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /**
     * Collects failures of many vectors, so that one run reports all of them rather than the first.
     */
    public static final class Failures {
        private final String what;
        private final List<String> messages = new ArrayList<>();
        private int checked;

        public Failures(String what) {
            this.what = what;
        }

        /** Counts one vector as checked. */
        public void checked() {
            checked++;
        }

        public void add(String message) {
            messages.add(message);
        }

        public void add(String context, Throwable t) {
            messages.add(context + ": unexpected " + t);
        }

        /** Number of vectors checked so far. */
        public int count() {
            return checked;
        }

        /**
         * Fails with every collected message; also fails if fewer than {@code minimum} vectors were
         * checked (guards against filters that silently drop everything).
         */
        public void assertNone(int minimum) {
            if (checked < minimum) {
                messages.add(0, "only " + checked + " vectors checked, expected at least " + minimum);
            }
            if (!messages.isEmpty()) {
                StringBuilder sb = new StringBuilder(what).append(": ").append(messages.size())
                        .append(" failure(s) in ").append(checked).append(" vectors");
                int shown = 0;
                for (String m : messages) {
                    if (shown++ == 50) {
                        sb.append("\n  ... ").append(messages.size() - 50).append(" more");
                        break;
                    }
                    sb.append("\n  ").append(m);
                }
                throw new AssertionError(sb.toString());
            }
        }
    }

    private static String abbreviate(JsonNode node) {
        String s = String.valueOf(node);
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }

    private Vectors() {}
}
