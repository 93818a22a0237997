package io.aethercore.api.crypto;

/** Bytes that should encode a key do not: wrong length, not canonical, not a valid point or vector. */
public final class MalformedKeyException extends CryptoException {
    private static final long serialVersionUID = 1L;

    public MalformedKeyException(String message) {
        super(message);
    }
}
