package io.aethercore.api.custody;

import io.aethercore.api.crypto.CryptoException;

/** A custody could not perform an operation. Subclasses say why. */
public class KeyCustodyException extends CryptoException {
    private static final long serialVersionUID = 1L;

    public KeyCustodyException(String message) {
        super(message);
    }

    public KeyCustodyException(String message, Throwable cause) {
        super(message, cause);
    }
}
