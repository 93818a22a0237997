package io.aethercore.api.crypto;

import java.nio.ByteBuffer;

/**
 * A streaming hash computation. Not thread-safe: use one per thread, or one per operation. After
 * {@link #digest()} the hasher is back in its initial state (same key or context), ready for reuse.
 */
public interface Hasher {

    HashAlgorithm algorithm();

    /** Name of the provider computing this hash. */
    String provider();

    Hasher update(byte[] data, int offset, int length);

    default Hasher update(byte[] data) {
        return update(data, 0, data.length);
    }

    /** Consumes the remaining bytes of {@code data}. */
    default Hasher update(ByteBuffer data) {
        if (data.hasArray()) {
            update(data.array(), data.arrayOffset() + data.position(), data.remaining());
            data.position(data.limit());
        } else {
            byte[] chunk = new byte[Math.min(data.remaining(), 64 * 1024)];
            while (data.hasRemaining()) {
                int n = Math.min(chunk.length, data.remaining());
                data.get(chunk, 0, n);
                update(chunk, 0, n);
            }
        }
        return this;
    }

    /** Finishes with the algorithm's default output length and resets. */
    default byte[] digest() {
        return digest(algorithm().digestLength());
    }

    /**
     * Finishes with {@code length} bytes of output and resets. Any positive length for extendable
     * algorithms (BLAKE3); exactly the digest length otherwise.
     *
     * @throws IllegalArgumentException for a length the algorithm cannot produce
     */
    byte[] digest(int length);

    /** Discards the input so far. */
    void reset();

    /** Checks an output length against an algorithm; for providers. */
    static void checkOutputLength(HashAlgorithm algorithm, int length) {
        if (length <= 0 || (!algorithm.extendable() && length != algorithm.digestLength())) {
            throw new IllegalArgumentException(algorithm.id() + " cannot produce " + length + " bytes"
                    + (algorithm.extendable() ? "" : "; its output is " + algorithm.digestLength() + " bytes"));
        }
    }
}
