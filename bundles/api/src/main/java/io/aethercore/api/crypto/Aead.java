package io.aethercore.api.crypto;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An AEAD bound to one key. Thread-safe. The caller guarantees that a nonce is never used twice with
 * the same key (a counter is the usual way).
 */
@ProviderType
public interface Aead {

    AeadAlgorithm algorithm();

    /**
     * Encrypts and authenticates.
     *
     * @param nonce 12 bytes
     * @param associatedData authenticated, not encrypted; may be {@code null} (same as empty)
     * @return ciphertext followed by the 16-byte tag
     * @throws IllegalArgumentException for a nonce of the wrong length
     */
    byte[] seal(byte[] nonce, byte[] plaintext, byte[] associatedData);

    /**
     * Verifies and decrypts.
     *
     * @throws AeadAuthenticationException for any mismatch, including input shorter than a tag
     * @throws IllegalArgumentException for a nonce of the wrong length
     */
    byte[] open(byte[] nonce, byte[] ciphertextAndTag, byte[] associatedData) throws AeadAuthenticationException;

    /**
     * Seals {@code plaintext[offset, offset + length)} into {@code out} from {@code outOffset}: the ciphertext
     * followed by the 16-byte tag, {@code length + 16} bytes. The same bytes as {@link #seal(byte[], byte[], byte[])}
     * without its copies, for a caller that frames the record itself (B4AE writes its header in front). The
     * ranges must not overlap.
     *
     * @return the number of bytes written, {@code length + 16}
     * @throws IllegalArgumentException for a nonce of the wrong length
     * @throws IndexOutOfBoundsException when a range lies outside its array
     * @since 1.2
     */
    default int seal(byte[] nonce, byte[] plaintext, int offset, int length, byte[] associatedData,
            byte[] out, int outOffset) {
        java.util.Objects.checkFromIndexSize(offset, length, plaintext.length);
        java.util.Objects.checkFromIndexSize(outOffset, length + AeadAlgorithm.TAG_LENGTH, out.length);
        byte[] sealed = seal(nonce, java.util.Arrays.copyOfRange(plaintext, offset, offset + length), associatedData);
        System.arraycopy(sealed, 0, out, outOffset, sealed.length);
        return sealed.length;
    }

    /**
     * Verifies and decrypts {@code input[offset, offset + length)} (ciphertext followed by the tag), as {@link
     * #open(byte[], byte[], byte[])} does with the whole array: for a caller that received a framed record.
     *
     * @throws AeadAuthenticationException for any mismatch, including a range shorter than a tag
     * @throws IllegalArgumentException for a nonce of the wrong length
     * @throws IndexOutOfBoundsException when the range lies outside the array
     * @since 1.2
     */
    default byte[] open(byte[] nonce, byte[] input, int offset, int length, byte[] associatedData)
            throws AeadAuthenticationException {
        java.util.Objects.checkFromIndexSize(offset, length, input.length);
        return open(nonce, java.util.Arrays.copyOfRange(input, offset, offset + length), associatedData);
    }

    /**
     * Overwrites the key material this instance holds, for keys that are retired (B4AE wipes traffic keys
     * after {@code reject_after_seconds}). After it, {@link #seal} and {@link #open} must not be called;
     * a provider that holds no key bytes of its own does nothing.
     *
     * @since 1.1
     */
    default void destroy() {
    }
}
