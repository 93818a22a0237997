package io.aethercore.audit.internal;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.crypto.internal.BcHashing;

/** A Merkle hasher independent of the log under test, as an auditor off the node builds it. */
final class TestHashers {

    private TestHashers() {}

    static MerkleHasher standalone(HashAlgorithm algorithm) {
        return algorithm == HashAlgorithm.SHA_256 ? MerkleHasher.sha256() : MerkleHasher.of(new BcHashing(), algorithm);
    }
}
