package io.aethercore.api.crypto;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An AEAD bound to one key. Thread-safe. The caller guarantees that a nonce is never used twice with
 * the same key (a counter is the usual way).
 */
@ProviderType
public interface Aead {

    AeadAlgorithm algorithm();

    /**
     * Encrypts and authenticates.
     *
     * @param nonce 12 bytes
     * @param associatedData authenticated, not encrypted; may be {@code null} (same as empty)
     * @return ciphertext followed by the 16-byte tag
     * @throws IllegalArgumentException for a nonce of the wrong length
     */
    byte[] seal(byte[] nonce, byte[] plaintext, byte[] associatedData);

    /**
     * Verifies and decrypts.
     *
     * @throws AeadAuthenticationException for any mismatch, including input shorter than a tag
     * @throws IllegalArgumentException for a nonce of the wrong length
     */
    byte[] open(byte[] nonce, byte[] ciphertextAndTag, byte[] associatedData) throws AeadAuthenticationException;

    /**
     * Overwrites the key material this instance holds, for keys that are retired (B4AE wipes traffic keys
     * after {@code reject_after_seconds}). After it, {@link #seal} and {@link #open} must not be called;
     * a provider that holds no key bytes of its own does nothing.
     *
     * @since 1.1
     */
    default void destroy() {
    }
}
