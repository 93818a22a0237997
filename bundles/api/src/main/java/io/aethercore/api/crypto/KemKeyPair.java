package io.aethercore.api.crypto;

import org.osgi.annotation.versioning.ProviderType;

/** A KEM decapsulation key with its encapsulation (public) key. {@link #close()} wipes it. Thread-safe. */
@ProviderType
public interface KemKeyPair extends AutoCloseable {

    RawPublicKey publicKey();

    /**
     * Recovers the shared secret from a ciphertext. ML-KEM uses implicit rejection: a modified
     * ciphertext of the right length yields an unrelated pseudo-random secret, not an error.
     *
     * @throws InvalidInputException if the ciphertext has the wrong length
     * @throws IllegalStateException after {@link #close()}
     */
    byte[] decapsulate(byte[] ciphertext) throws InvalidInputException;

    @Override
    void close();
}
