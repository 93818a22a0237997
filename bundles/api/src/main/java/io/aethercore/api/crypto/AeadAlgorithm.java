package io.aethercore.api.crypto;

/** Authenticated encryption with associated data, served by {@link AeadService}. */
public enum AeadAlgorithm {
    /** ChaCha20-Poly1305, RFC 8439. */
    CHACHA20_POLY1305("ChaCha20-Poly1305"),
    /** AES-256 in Galois/Counter Mode, NIST SP 800-38D, 96-bit nonce, 128-bit tag. */
    AES_256_GCM("AES-256-GCM");

    /** Key length of both algorithms, in bytes. */
    public static final int KEY_LENGTH = 32;
    /** Nonce length of both algorithms, in bytes. */
    public static final int NONCE_LENGTH = 12;
    /** Authentication tag length of both algorithms, in bytes. */
    public static final int TAG_LENGTH = 16;

    private final String id;

    AeadAlgorithm(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static AeadAlgorithm fromId(String text) {
        if (text != null) {
            String t = text.trim();
            for (AeadAlgorithm a : values()) {
                if (a.id.equalsIgnoreCase(t) || a.name().equalsIgnoreCase(t.replace('-', '_'))) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException(
                "unknown AEAD algorithm '" + text + "'; expected ChaCha20-Poly1305 or AES-256-GCM");
    }
}
