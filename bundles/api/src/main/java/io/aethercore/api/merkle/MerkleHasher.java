package io.aethercore.api.merkle;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.Hasher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The hash function of a Merkle tree, with RFC 6962 domain separation. Implementations returned by
 * the factories here are thread-safe.
 */
public interface MerkleHasher {

    HashAlgorithm algorithm();

    /** {@code H(0x00 || data)}. */
    byte[] leafHash(byte[] data);

    /** {@code H(0x01 || left || right)}. */
    byte[] nodeHash(byte[] left, byte[] right);

    /** Root of the empty tree: {@code H()}. */
    byte[] emptyRoot();

    /** Output length in bytes (32 for both algorithms). */
    default int hashLength() {
        return algorithm().digestLength();
    }

    /** SHA-256 from the Java platform: verifies SHA-256 logs with no AetherCore service at all. */
    static MerkleHasher sha256() {
        return new MerkleHasher() {
            private MessageDigest md() {
                try {
                    return MessageDigest.getInstance("SHA-256");
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("every Java platform has SHA-256", e);
                }
            }

            @Override
            public HashAlgorithm algorithm() {
                return HashAlgorithm.SHA_256;
            }

            @Override
            public byte[] leafHash(byte[] data) {
                MessageDigest md = md();
                md.update((byte) 0);
                md.update(data);
                return md.digest();
            }

            @Override
            public byte[] nodeHash(byte[] left, byte[] right) {
                MessageDigest md = md();
                md.update((byte) 1);
                md.update(left);
                md.update(right);
                return md.digest();
            }

            @Override
            public byte[] emptyRoot() {
                return md().digest();
            }
        };
    }

    /** A hasher over a {@link HashService} provider (BLAKE3 or SHA-256). */
    static MerkleHasher of(HashService service, HashAlgorithm algorithm) {
        Objects.requireNonNull(service, "service");
        if (!service.algorithms().contains(algorithm)) {
            throw new IllegalArgumentException(service.provider() + " does not serve " + algorithm.id());
        }
        return new MerkleHasher() {
            @Override
            public HashAlgorithm algorithm() {
                return algorithm;
            }

            @Override
            public byte[] leafHash(byte[] data) {
                Hasher h = service.newHasher(algorithm);
                return h.update(new byte[] {0}).update(data).digest();
            }

            @Override
            public byte[] nodeHash(byte[] left, byte[] right) {
                Hasher h = service.newHasher(algorithm);
                return h.update(new byte[] {1}).update(left).update(right).digest();
            }

            @Override
            public byte[] emptyRoot() {
                return service.newHasher(algorithm).digest();
            }
        };
    }
}
