package io.aethercore.api.crypto;

import java.security.GeneralSecurityException;

/**
 * A cryptographic operation failed because of its input or its environment (not because of a
 * programming error). Messages are deliberately short and never contain key material or the
 * internals of the failing check.
 */
public class CryptoException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether the same call may succeed if repeated later (a provider or a device that went away and
     * is expected back). A signature or decryption failure is never retryable.
     */
    public boolean isRetryable() {
        return false;
    }
}
