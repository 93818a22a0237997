package io.aethercore.api.crypto;

import java.util.Locale;

/**
 * Asymmetric key algorithms: what a key is for, how its public key is encoded ({@link
 * RawPublicKey}) and, for signature keys, how long a signature is.
 */
public enum KeyAlgorithm {
    /** Ed25519, RFC 8032 (pure, no context). Public key: 32 bytes. Signature: 64 bytes. */
    ED25519("Ed25519", Purpose.SIGNATURE, 32, 64),
    /**
     * ECDSA on NIST P-256 with SHA-256. Public key: uncompressed SEC1 point, 65 bytes. Signature: IEEE
     * P1363 {@code r || s}, 64 bytes (the form TPMs and PKCS#11 tokens produce).
     */
    ECDSA_P256("ECDSA-P256-SHA256", Purpose.SIGNATURE, 65, 64),
    /** ML-DSA-87, FIPS 204, pure mode with the empty context. Public key: 2592 bytes. Signature: 4627 bytes. */
    ML_DSA_87("ML-DSA-87", Purpose.SIGNATURE, 2592, 4627),
    /** X25519, RFC 7748. Public key: 32 bytes. */
    X25519("X25519", Purpose.KEY_AGREEMENT, 32, 0),
    /** ML-KEM-1024, FIPS 203. Encapsulation key: 1568 bytes; ciphertext: 1568 bytes. */
    ML_KEM_1024("ML-KEM-1024", Purpose.KEM, 1568, 0);

    /** What a key of this algorithm does. */
    public enum Purpose { SIGNATURE, KEY_AGREEMENT, KEM }

    private final String id;
    private final Purpose purpose;
    private final int publicKeyLength;
    private final int signatureLength;

    KeyAlgorithm(String id, Purpose purpose, int publicKeyLength, int signatureLength) {
        this.id = id;
        this.purpose = purpose;
        this.publicKeyLength = publicKeyLength;
        this.signatureLength = signatureLength;
    }

    public String id() {
        return id;
    }

    public Purpose purpose() {
        return purpose;
    }

    /** Length of the raw public key encoding in bytes. */
    public int publicKeyLength() {
        return publicKeyLength;
    }

    /** Length of a signature in bytes, 0 for keys that do not sign. */
    public int signatureLength() {
        return signatureLength;
    }

    /** Parses an id or enum name, ignoring case: {@code Ed25519}, {@code ml-dsa-87}, {@code ECDSA_P256}. */
    public static KeyAlgorithm fromId(String text) {
        if (text != null) {
            String t = text.trim();
            for (KeyAlgorithm a : values()) {
                if (a.id.equalsIgnoreCase(t) || a.name().equalsIgnoreCase(t.replace('-', '_'))) {
                    return a;
                }
            }
        }
        StringBuilder ids = new StringBuilder();
        for (KeyAlgorithm a : values()) {
            ids.append(ids.length() == 0 ? "" : ", ").append(a.id);
        }
        throw new IllegalArgumentException(
                "unknown key algorithm '" + text + "'; expected one of " + ids.toString().toLowerCase(Locale.ROOT));
    }
}
