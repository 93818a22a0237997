package io.aethercore.api.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Hash functions: BLAKE3 in its three modes (hash, keyed hash, derive key; each with extendable
 * output) and SHA-2. Implementations are thread-safe; the {@link Hasher}s they create are not.
 *
 * <p>A provider may serve only some algorithms (a native BLAKE3 provider serves only BLAKE3); its
 * {@value CryptoServices#ALGORITHMS} service property and {@link #algorithms()} say which.
 */
@ProviderType
public interface HashService {

    /** BLAKE3 key length for {@link #newBlake3Keyed(byte[])}. */
    int BLAKE3_KEY_LENGTH = 32;

    String provider();

    Set<HashAlgorithm> algorithms();

    /**
     * A new hasher in plain mode.
     *
     * @throws IllegalArgumentException if this provider does not serve {@code algorithm}
     */
    Hasher newHasher(HashAlgorithm algorithm);

    /**
     * A new BLAKE3 hasher in keyed-hash mode (a MAC / PRF).
     *
     * @throws IllegalArgumentException if the key is not 32 bytes, or BLAKE3 is not served
     */
    Hasher newBlake3Keyed(byte[] key);

    /**
     * A new BLAKE3 hasher in derive-key mode: the key material is the input, the context a
     * hard-coded, globally unique, application-specific string.
     *
     * @throws IllegalArgumentException if the context is not acceptable ({@link #checkDeriveKeyContext})
     */
    Hasher newBlake3DeriveKey(String context);

    /** One-shot hash with the default output length. */
    default byte[] hash(HashAlgorithm algorithm, byte[] data) {
        return newHasher(algorithm).update(data).digest();
    }

    /**
     * Validates a BLAKE3 key for {@link #newBlake3Keyed(byte[])}; for providers.
     *
     * @throws IllegalArgumentException unless it is 32 bytes
     */
    static void checkBlake3Key(byte[] key) {
        if (key == null || key.length != BLAKE3_KEY_LENGTH) {
            throw new IllegalArgumentException("BLAKE3 keyed hashing needs a 32-byte key");
        }
    }

    /**
     * Validates a BLAKE3 derive-key context. Contexts are encoded as UTF-8. Every provider must
     * produce the same key for the same context, and the BLAKE3 C API (used by native providers)
     * takes a NUL-terminated string, so contexts must be non-empty, contain no U+0000 and no
     * unpaired surrogate, and be at most 1024 UTF-8 bytes.
     *
     * @return the UTF-8 encoding of the context
     * @throws IllegalArgumentException naming the rule broken
     */
    static byte[] checkDeriveKeyContext(String context) {
        if (context == null || context.isEmpty()) {
            throw new IllegalArgumentException("BLAKE3 derive-key context must not be empty");
        }
        for (int i = 0; i < context.length(); i++) {
            char c = context.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException("BLAKE3 derive-key context must not contain U+0000");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= context.length() || !Character.isLowSurrogate(context.charAt(i + 1))) {
                    throw new IllegalArgumentException("BLAKE3 derive-key context has an unpaired surrogate");
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new IllegalArgumentException("BLAKE3 derive-key context has an unpaired surrogate");
            }
        }
        byte[] utf8 = context.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 1024) {
            throw new IllegalArgumentException("BLAKE3 derive-key context is longer than 1024 bytes");
        }
        return utf8;
    }
}
