package io.aethercore.api.crypto;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A short-lived key agreement key pair (an X25519 ephemeral key). The private half stays inside the
 * object; {@link #close()} wipes it. Thread-safe.
 */
@ProviderType
public interface EphemeralKeyPair extends AutoCloseable {

    RawPublicKey publicKey();

    /**
     * Computes the shared secret with a peer's public key.
     *
     * @throws MalformedKeyException if the peer key is not of this pair's algorithm
     * @throws KeyAgreementException if the result is the all-zero value (a low-order peer point)
     * @throws IllegalStateException after {@link #close()}
     */
    byte[] agree(RawPublicKey peer) throws MalformedKeyException, KeyAgreementException;

    /** Wipes the private key. Idempotent. */
    @Override
    void close();
}
