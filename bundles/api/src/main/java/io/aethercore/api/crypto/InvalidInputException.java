package io.aethercore.api.crypto;

/**
 * Input received from outside (a ciphertext of impossible length, a truncated encoding) cannot be
 * processed. Thrown instead of an index or parsing exception from inside a provider.
 */
public final class InvalidInputException extends CryptoException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
