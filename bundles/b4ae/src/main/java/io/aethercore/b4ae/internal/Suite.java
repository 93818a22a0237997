package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.Aead;
import io.aethercore.api.crypto.AeadAlgorithm;
import io.aethercore.api.crypto.AeadService;
import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.Hasher;
import io.aethercore.api.crypto.KdfAlgorithm;
import io.aethercore.api.crypto.KdfService;
import io.aethercore.api.crypto.KemService;
import io.aethercore.api.crypto.KeyAgreementService;
import io.aethercore.api.crypto.SignatureService;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The primitives of one B4AE computation, all from the platform's crypto services (§ conventions of
 * docs/b4ae-protocol.md). Immutable: the engine reads the current suite once per handshake or datagram,
 * so a provider swap never mixes two providers inside one computation.
 */
public record Suite(HashService hash, KdfService kdf, AeadService aead, KeyAgreementService dh, KemService kem,
                    SignatureService signatures, AeadService aesGcm) {

    public static final int MAC_LEN = 16;
    public static final int KEY_LEN = 32;
    static final AeadAlgorithm AEAD = AeadAlgorithm.CHACHA20_POLY1305;
    static final KdfAlgorithm KDF = KdfAlgorithm.HKDF_SHA256;

    /** A suite whose transport offers ChaCha20-Poly1305 only. */
    public Suite(HashService hash, KdfService kdf, AeadService aead, KeyAgreementService dh, KemService kem,
                 SignatureService signatures) {
        this(hash, kdf, aead, dh, kem, signatures, null);
    }

    public Suite {
        Objects.requireNonNull(hash, "HashService (BLAKE3)");
        Objects.requireNonNull(kdf, "KdfService (HKDF-SHA256)");
        Objects.requireNonNull(aead, "AeadService (ChaCha20-Poly1305)");
        Objects.requireNonNull(dh, "KeyAgreementService (X25519)");
    }

    /** Whether Mode B can run: ML-KEM-1024 and ML-DSA-87 verification are present. */
    public boolean modeBCapable() {
        return kem != null && signatures != null;
    }

    static byte[] label(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** H(parts...) = BLAKE3, 32 bytes. */
    public byte[] h(byte[]... parts) {
        Hasher hs = hash.newHasher(HashAlgorithm.BLAKE3);
        for (byte[] p : parts) {
            hs.update(p);
        }
        return hs.digest(32);
    }

    /** MAC(key, data[off..off+len]) = keyed BLAKE3 truncated to 16 bytes. */
    public byte[] mac(byte[] key, byte[] data, int off, int len) {
        return hash.newBlake3Keyed(key).update(data, off, len).digest(MAC_LEN);
    }

    /** Full 32-byte keyed BLAKE3. */
    public byte[] mac32(byte[] key, byte[] data) {
        return hash.newBlake3Keyed(key).update(data).digest(32);
    }

    public byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int len) {
        return kdf.derive(KDF, salt, ikm, info, len);
    }

    public Aead aead(byte[] key) {
        return aead.newAead(AEAD, key);
    }

    /**
     * Whether this node offers and accepts AES-256-GCM for DATA records (§5.6): a provider for it is bound and the
     * configuration allows it ({@code transport_aead}). Handshake messages always use ChaCha20-Poly1305.
     */
    public boolean offersAesGcm() {
        return aesGcm != null;
    }

    /** The AEAD of DATA records under a negotiated algorithm. */
    public Aead transport(AeadAlgorithm algorithm, byte[] key) {
        if (algorithm == AeadAlgorithm.AES_256_GCM) {
            if (aesGcm == null) {
                throw new IllegalStateException("AES-256-GCM was negotiated but no provider is bound");
            }
            return aesGcm.newAead(AeadAlgorithm.AES_256_GCM, key);
        }
        return aead(key);
    }
}
