package io.aethercore.api.crypto;

import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Signature verification. Signing happens where the private key lives: see {@code
 * io.aethercore.api.custody.KeyCustody}. Implementations are thread-safe.
 */
@ProviderType
public interface SignatureService {

    String provider();

    /** Signature algorithms this provider verifies. */
    Set<KeyAlgorithm> algorithms();

    /**
     * Verifies {@code signature} over {@code message}. Returns normally only for a valid signature.
     *
     * <p>Ed25519 follows RFC 8032 strictly (non-canonical S or public key encodings are rejected);
     * ECDSA P-256 takes IEEE P1363 {@code r || s} over SHA-256 of the message; ML-DSA-87 is FIPS 204
     * pure mode with the empty context.
     *
     * @throws SignatureVerificationException if the signature is not valid (including a signature of
     *     the wrong length)
     * @throws MalformedKeyException if the public key is not a valid key of its algorithm
     * @throws IllegalArgumentException if the provider does not serve the key's algorithm
     */
    void verify(RawPublicKey publicKey, byte[] message, byte[] signature)
            throws SignatureVerificationException, MalformedKeyException;
}
