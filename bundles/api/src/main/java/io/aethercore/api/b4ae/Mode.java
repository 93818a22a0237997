package io.aethercore.api.b4ae;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** B4AE v2 authentication modes. */
public enum Mode {
    /** Deniable, classical: X25519 static and ephemeral Diffie-Hellman only (Noise IK), no signatures. */
    A("mode_a", 0x01),
    /** Post-quantum: X25519 + ML-KEM-1024 hybrid key exchange, ML-DSA-87 signatures over the transcript. */
    B("mode_b", 0x02);

    private final String id;
    private final int bit;

    Mode(String id, int bit) {
        this.id = id;
        this.bit = bit;
    }

    /** Configuration id: {@code mode_a} or {@code mode_b}. */
    public String id() {
        return id;
    }

    /** Bit of this mode in a mode set on the wire; also its mode byte. */
    public int bit() {
        return bit;
    }

    /** Short name used in metrics and logs: {@code "A"} or {@code "B"}. */
    public String label() {
        return name();
    }

    /**
     * Parses {@code mode_a}, {@code mode_b}, {@code A}, {@code b}, ignoring case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Mode fromId(String text) {
        if (text != null) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            for (Mode m : values()) {
                if (m.id.equals(t) || m.name().equalsIgnoreCase(t) || ("mode" + m.name()).equalsIgnoreCase(t)) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("unknown B4AE mode '" + text + "'; expected mode_a or mode_b");
    }

    /** Parses a list of modes; {@code both} means A and B. */
    public static Set<Mode> parseSet(String... texts) {
        Set<Mode> out = EnumSet.noneOf(Mode.class);
        if (texts != null) {
            for (String t : texts) {
                if (t == null || t.isBlank()) {
                    continue;
                }
                for (String part : t.split(",")) {
                    if (part.trim().equalsIgnoreCase("both")) {
                        out.addAll(EnumSet.allOf(Mode.class));
                    } else if (!part.isBlank()) {
                        out.add(fromId(part));
                    }
                }
            }
        }
        return out;
    }

    /** The mode set as a bit mask. */
    public static int mask(Set<Mode> modes) {
        int m = 0;
        for (Mode x : modes) {
            m |= x.bit;
        }
        return m;
    }

    /** The modes of a bit mask; unknown bits are ignored. */
    public static Set<Mode> fromMask(int mask) {
        Set<Mode> out = EnumSet.noneOf(Mode.class);
        for (Mode x : values()) {
            if ((mask & x.bit) != 0) {
                out.add(x);
            }
        }
        return out;
    }

    /** The mode with this mode byte, or {@code null}. */
    public static Mode fromByte(int b) {
        for (Mode x : values()) {
            if (x.bit == b) {
                return x;
            }
        }
        return null;
    }
}
