package io.aethercore.api.crypto;

/**
 * Decryption failed: the ciphertext, its tag, the nonce, the associated data or the key do not
 * match. One message for every cause, so that no oracle is offered to an attacker.
 */
public final class AeadAuthenticationException extends CryptoException {
    private static final long serialVersionUID = 1L;

    public AeadAuthenticationException() {
        super("decryption failed");
    }
}
