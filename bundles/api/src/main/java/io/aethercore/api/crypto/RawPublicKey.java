package io.aethercore.api.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A public key: its algorithm and its raw standard encoding (see {@link KeyAlgorithm}). Immutable.
 *
 * <p>Converts to and from X.509 SubjectPublicKeyInfo (DER and PEM), so that {@code openssl} and
 * other tools read the keys AetherCore exports. Parsing is strict: only the exact DER encodings of
 * the algorithms AetherCore knows are accepted; anything else is a {@link MalformedKeyException}.
 *
 * <p>Construction checks lengths and the fixed parts of the encoding only. Whether the bytes are a
 * valid point or vector is checked by the provider that uses the key.
 */
public final class RawPublicKey {

    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";

    private final KeyAlgorithm algorithm;
    private final byte[] encoded;

    private RawPublicKey(KeyAlgorithm algorithm, byte[] encoded) {
        this.algorithm = algorithm;
        this.encoded = encoded;
    }

    /**
     * Wraps a raw public key encoding.
     *
     * @throws MalformedKeyException if the length or the fixed prefix does not fit the algorithm
     */
    public static RawPublicKey of(KeyAlgorithm algorithm, byte[] encoded) throws MalformedKeyException {
        Objects.requireNonNull(algorithm, "algorithm");
        if (encoded == null || encoded.length != algorithm.publicKeyLength()) {
            throw new MalformedKeyException(algorithm.id() + " public key must be "
                    + algorithm.publicKeyLength() + " bytes, got " + (encoded == null ? "none" : encoded.length));
        }
        if (algorithm == KeyAlgorithm.ECDSA_P256 && encoded[0] != 0x04) {
            throw new MalformedKeyException("P-256 public key must be an uncompressed point (0x04 prefix)");
        }
        return new RawPublicKey(algorithm, encoded.clone());
    }

    public KeyAlgorithm algorithm() {
        return algorithm;
    }

    /** The raw encoding (a copy). */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** Length of the raw encoding, without copying it. */
    public int length() {
        return encoded.length;
    }

    /** X.509 SubjectPublicKeyInfo, DER. */
    public byte[] toSpki() {
        byte[] prefix = Spki.prefix(algorithm);
        byte[] out = Arrays.copyOf(prefix, prefix.length + encoded.length);
        System.arraycopy(encoded, 0, out, prefix.length, encoded.length);
        return out;
    }

    /** SubjectPublicKeyInfo as PEM ({@code -----BEGIN PUBLIC KEY-----}), lines of 64 characters. */
    public String toPem() {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(toSpki());
        return PEM_BEGIN + "\n" + b64 + "\n" + PEM_END + "\n";
    }

    /**
     * Parses a DER SubjectPublicKeyInfo of one of the {@link KeyAlgorithm}s.
     *
     * @throws MalformedKeyException for any other structure, algorithm or length
     */
    public static RawPublicKey fromSpki(byte[] der) throws MalformedKeyException {
        if (der == null) {
            throw new MalformedKeyException("no SubjectPublicKeyInfo given");
        }
        for (KeyAlgorithm a : KeyAlgorithm.values()) {
            byte[] prefix = Spki.prefix(a);
            if (der.length == prefix.length + a.publicKeyLength()
                    && Arrays.equals(der, 0, prefix.length, prefix, 0, prefix.length)) {
                return of(a, Arrays.copyOfRange(der, prefix.length, der.length));
            }
        }
        throw new MalformedKeyException("not a SubjectPublicKeyInfo of a supported algorithm"
                + " (Ed25519, ECDSA P-256, ML-DSA-87, X25519, ML-KEM-1024)");
    }

    /** Parses a PEM {@code PUBLIC KEY} block; text around the block is ignored. */
    public static RawPublicKey fromPem(String pem) throws MalformedKeyException {
        if (pem == null) {
            throw new MalformedKeyException("no PEM given");
        }
        int begin = pem.indexOf(PEM_BEGIN);
        int end = pem.indexOf(PEM_END, Math.max(begin, 0));
        if (begin < 0 || end < 0) {
            throw new MalformedKeyException("no '" + PEM_BEGIN + "' ... '" + PEM_END + "' block found");
        }
        String body = pem.substring(begin + PEM_BEGIN.length(), end).replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new MalformedKeyException("PEM body is not valid base64");
        }
        return fromSpki(der);
    }

    /** SHA-256 of the SubjectPublicKeyInfo, hex: a stable, tool-independent identifier of the key. */
    public String fingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(toSpki()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawPublicKey other
                && other.algorithm == algorithm
                && MessageDigest.isEqual(other.encoded, encoded);
    }

    @Override
    public int hashCode() {
        return 31 * algorithm.hashCode() + Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return algorithm.id() + " public key " + fingerprint().substring(0, 16);
    }

    /** DER prefixes of SubjectPublicKeyInfo for each algorithm, built once from the algorithm OIDs. */
    static final class Spki {
        // OIDs in DER (tag 06 + length + content)
        private static final byte[] OID_ED25519 = hex("06032b6570");            // 1.3.101.112
        private static final byte[] OID_X25519 = hex("06032b656e");             // 1.3.101.110
        private static final byte[] OID_EC_PUBLIC_KEY = hex("06072a8648ce3d0201"); // 1.2.840.10045.2.1
        private static final byte[] OID_P256 = hex("06082a8648ce3d030107");     // 1.2.840.10045.3.1.7
        private static final byte[] OID_ML_DSA_87 = hex("0609608648016503040313"); // 2.16.840.1.101.3.4.3.19
        private static final byte[] OID_ML_KEM_1024 = hex("0609608648016503040403"); // 2.16.840.1.101.3.4.4.3

        private static final byte[][] PREFIXES = new byte[KeyAlgorithm.values().length][];

        static {
            for (KeyAlgorithm a : KeyAlgorithm.values()) {
                byte[] algId = switch (a) {
                    case ED25519 -> sequence(OID_ED25519);
                    case X25519 -> sequence(OID_X25519);
                    case ECDSA_P256 -> sequence(concat(OID_EC_PUBLIC_KEY, OID_P256));
                    case ML_DSA_87 -> sequence(OID_ML_DSA_87);
                    case ML_KEM_1024 -> sequence(OID_ML_KEM_1024);
                };
                // BIT STRING header: tag, length (key + 1 unused-bits byte), 0 unused bits
                byte[] bitStringHeader = concat(new byte[] {0x03}, derLength(a.publicKeyLength() + 1), new byte[] {0});
                int total = algId.length + bitStringHeader.length + a.publicKeyLength();
                PREFIXES[a.ordinal()] = concat(new byte[] {0x30}, derLength(total), algId, bitStringHeader);
            }
        }

        static byte[] prefix(KeyAlgorithm a) {
            return PREFIXES[a.ordinal()];
        }

        private static byte[] sequence(byte[] content) {
            return concat(new byte[] {0x30}, derLength(content.length), content);
        }

        private static byte[] derLength(int n) {
            if (n < 0x80) {
                return new byte[] {(byte) n};
            } else if (n < 0x100) {
                return new byte[] {(byte) 0x81, (byte) n};
            }
            return new byte[] {(byte) 0x82, (byte) (n >>> 8), (byte) n};
        }

        private static byte[] concat(byte[]... parts) {
            int n = 0;
            for (byte[] p : parts) {
                n += p.length;
            }
            byte[] out = new byte[n];
            int off = 0;
            for (byte[] p : parts) {
                System.arraycopy(p, 0, out, off, p.length);
                off += p.length;
            }
            return out;
        }

        private static byte[] hex(String s) {
            return HexFormat.of().parseHex(s);
        }

        private Spki() {}
    }
}
