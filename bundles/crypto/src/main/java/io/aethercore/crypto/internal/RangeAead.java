package io.aethercore.crypto.internal;

import io.aethercore.api.crypto.Aead;
import io.aethercore.api.crypto.AeadAlgorithm;
import io.aethercore.api.crypto.AeadAuthenticationException;
import java.util.Objects;

/**
 * An {@link Aead} whose provider implements the range calls; the whole-array calls are ranges over the whole
 * array, so each provider writes its cipher code once.
 */
abstract class RangeAead implements Aead {

    /** Refuses a nonce that is not 12 bytes with an {@link IllegalArgumentException}. */
    abstract void checkNonce(byte[] nonce);

    @Override
    public abstract int seal(byte[] nonce, byte[] plaintext, int offset, int length, byte[] associatedData,
            byte[] out, int outOffset);

    @Override
    public abstract byte[] open(byte[] nonce, byte[] input, int offset, int length, byte[] associatedData)
            throws AeadAuthenticationException;

    @Override
    public final byte[] seal(byte[] nonce, byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] out = new byte[plaintext.length + AeadAlgorithm.TAG_LENGTH];
        seal(nonce, plaintext, 0, plaintext.length, associatedData, out, 0);
        return out;
    }

    @Override
    public final byte[] open(byte[] nonce, byte[] ciphertextAndTag, byte[] associatedData)
            throws AeadAuthenticationException {
        checkNonce(nonce); // a programming error is reported as such, whatever the input
        if (ciphertextAndTag == null) {
            throw new AeadAuthenticationException();
        }
        return open(nonce, ciphertextAndTag, 0, ciphertextAndTag.length, associatedData);
    }
}
