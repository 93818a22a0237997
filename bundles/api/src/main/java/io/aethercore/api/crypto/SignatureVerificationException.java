package io.aethercore.api.crypto;

/** The signature does not verify under the given public key and message. */
public final class SignatureVerificationException extends CryptoException {
    private static final long serialVersionUID = 1L;

    public SignatureVerificationException() {
        super("signature verification failed");
    }
}
