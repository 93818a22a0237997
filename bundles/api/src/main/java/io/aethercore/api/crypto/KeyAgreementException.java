package io.aethercore.api.crypto;

/**
 * Key agreement produced no usable secret, for example an X25519 exchange with a low-order point
 * that yields the all-zero value (RFC 7748, section 6.1).
 */
public final class KeyAgreementException extends CryptoException {
    private static final long serialVersionUID = 1L;

    public KeyAgreementException(String message) {
        super(message);
    }
}
