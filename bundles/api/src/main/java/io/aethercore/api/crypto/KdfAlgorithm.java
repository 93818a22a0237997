package io.aethercore.api.crypto;

/** Key derivation functions served by {@link KdfService}. */
public enum KdfAlgorithm {
    /** HKDF with HMAC-SHA-256, RFC 5869. */
    HKDF_SHA256("HKDF-SHA256", 32),
    /** HKDF with HMAC-SHA-512, RFC 5869. */
    HKDF_SHA512("HKDF-SHA512", 64);

    private final String id;
    private final int hashLength;

    KdfAlgorithm(String id, int hashLength) {
        this.id = id;
        this.hashLength = hashLength;
    }

    public String id() {
        return id;
    }

    /** Output length of the underlying hash: the PRK length, and 1/255 of the longest output. */
    public int hashLength() {
        return hashLength;
    }

    /** Longest output {@code expand} may produce (255 blocks, RFC 5869 section 2.3). */
    public int maxOutputLength() {
        return 255 * hashLength;
    }
}
