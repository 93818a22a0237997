package io.aethercore.api.crypto;

import java.util.Locale;

/** Hash functions served by {@link HashService}. */
public enum HashAlgorithm {
    /** BLAKE3 (32-byte default output; extendable output of any length). */
    BLAKE3("BLAKE3", 32, true),
    /** SHA-256, FIPS 180-4. */
    SHA_256("SHA-256", 32, false),
    /** SHA-512, FIPS 180-4. */
    SHA_512("SHA-512", 64, false);

    private final String id;
    private final int digestLength;
    private final boolean extendable;

    HashAlgorithm(String id, int digestLength, boolean extendable) {
        this.id = id;
        this.digestLength = digestLength;
        this.extendable = extendable;
    }

    /** Id used in service properties, configuration and on the console. */
    public String id() {
        return id;
    }

    /** Default output length in bytes. */
    public int digestLength() {
        return digestLength;
    }

    /** Whether outputs of any length can be requested ({@link Hasher#digest(int)}). */
    public boolean extendable() {
        return extendable;
    }

    /**
     * Parses an id, ignoring case and dashes: {@code blake3}, {@code SHA-256}, {@code sha256}.
     *
     * @throws IllegalArgumentException naming the accepted ids
     */
    public static HashAlgorithm fromId(String text) {
        if (text != null) {
            String wanted = normalise(text);
            for (HashAlgorithm a : values()) {
                if (normalise(a.id).equals(wanted)) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException(
                "unknown hash algorithm '" + text + "'; expected one of BLAKE3, SHA-256, SHA-512");
    }

    private static String normalise(String s) {
        return s.trim().replace("-", "").replace("_", "").toUpperCase(Locale.ROOT);
    }
}
