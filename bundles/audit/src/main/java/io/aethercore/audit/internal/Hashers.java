package io.aethercore.audit.internal;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.merkle.MerkleHasher;
import org.bouncycastle.crypto.digests.Blake3Digest;

/**
 * Merkle hashers that need no AetherCore service: SHA-256 from the JDK, BLAKE3 from BouncyCastle.
 * The offline verifier uses them; on the node the Merkle log's own hasher is used.
 */
public final class Hashers {

    private Hashers() {}

    public static MerkleHasher standalone(HashAlgorithm algorithm) {
        if (algorithm == HashAlgorithm.SHA_256) {
            return MerkleHasher.sha256();
        }
        if (algorithm != HashAlgorithm.BLAKE3) {
            throw new IllegalArgumentException("audit trees hash with BLAKE3 or SHA-256, not " + algorithm.id());
        }
        return new MerkleHasher() {
            @Override
            public HashAlgorithm algorithm() {
                return HashAlgorithm.BLAKE3;
            }

            private byte[] h(byte prefix, byte[] a, byte[] b) {
                Blake3Digest d = new Blake3Digest(256);
                if (prefix >= 0) {
                    d.update(prefix);
                }
                if (a != null) {
                    d.update(a, 0, a.length);
                }
                if (b != null) {
                    d.update(b, 0, b.length);
                }
                byte[] out = new byte[32];
                d.doFinal(out, 0);
                return out;
            }

            @Override
            public byte[] leafHash(byte[] data) {
                return h((byte) 0, data, null);
            }

            @Override
            public byte[] nodeHash(byte[] left, byte[] right) {
                return h((byte) 1, left, right);
            }

            @Override
            public byte[] emptyRoot() {
                return h((byte) -1, null, null);
            }
        };
    }

    /**
     * The Merkle entry of a stored record, {@code H(0x00 || record)}: what the audit Merkle log holds
     * for it (and what retention keeps when the record body goes).
     */
    public static byte[] recordDigest(MerkleHasher hasher, byte[] stored) {
        return hasher.leafHash(stored);
    }
}
