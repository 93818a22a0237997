package io.aethercore.audit.internal;

import io.aethercore.api.merkle.MerkleHasher;

/**
 * How audit records enter the Merkle tree. Hashing itself always goes through a {@link MerkleHasher}
 * over the platform's {@link io.aethercore.api.crypto.HashService}: on the node the Merkle log's own
 * hasher, off the node (tools/audit-tool) one over the crypto bundle's provider.
 */
public final class Hashers {

    private Hashers() {}

    /**
     * The Merkle entry of a stored record, {@code H(0x00 || record)}: what the audit Merkle log holds
     * for it (and what retention keeps when the record body goes).
     */
    public static byte[] recordDigest(MerkleHasher hasher, byte[] stored) {
        return hasher.leafHash(stored);
    }
}
