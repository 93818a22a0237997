package io.aethercore.api.merkle;

import io.aethercore.api.crypto.CryptoException;

/** A proof, checkpoint or signature over a checkpoint does not verify; the message says which check failed. */
public final class InvalidProofException extends CryptoException {
    private static final long serialVersionUID = 1L;

    public InvalidProofException(String message) {
        super(message);
    }
}
