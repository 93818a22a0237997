package io.aethercore.dashboard;

/**
 * Appends JSON values to a {@link StringBuilder}: the hub writes every message this way, once per batch,
 * without an object model on the hot path. Strings are escaped per RFC 8259 (and {@code <}, {@code >},
 * {@code &}, U+2028/9 as {@code \\u} escapes, so that a node id can never close a script context).
 */
public final class Json {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    public static StringBuilder string(StringBuilder b, String s) {
        if (s == null) {
            return b.append("null");
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029'
                            || Character.isSurrogate(c) && !validSurrogate(s, i)) {
                        b.append("\\u").append(HEX[c >> 12 & 15]).append(HEX[c >> 8 & 15]).append(HEX[c >> 4 & 15])
                                .append(HEX[c & 15]);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** A finite number as JSON (NaN and infinities, which JSON cannot carry, become null). */
    public static StringBuilder number(StringBuilder b, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return b.append("null");
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return b.append((long) v);
        }
        return b.append(v);
    }

    /** {@code "name":} */
    public static StringBuilder key(StringBuilder b, String name) {
        return string(b, name).append(':');
    }
}
