package io.aethercore.merkle.internal;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.Hasher;

/**
 * RFC 6962 leaf and node hashing over one reusable {@link Hasher}, each hash fed to the provider in
 * a single update. Not thread-safe: one per thread or per lock holder.
 */
final class TreeHasher {

    private final HashService service;
    private final Hasher hasher;
    private final byte[] node = new byte[65];
    private byte[] leaf = new byte[257];

    TreeHasher(HashService service, HashAlgorithm algorithm) {
        this.service = service;
        this.hasher = service.newHasher(algorithm);
    }

    /** The provider this hasher was made from. */
    HashService service() {
        return service;
    }

    byte[] leaf(byte[] data) {
        int n = data.length + 1;
        if (n > leaf.length) {
            if (n <= 64 * 1024) {
                leaf = new byte[n];
            } else {
                hasher.update(new byte[] {0}, 0, 1);
                hasher.update(data, 0, data.length);
                return hasher.digest();
            }
        }
        leaf[0] = 0;
        System.arraycopy(data, 0, leaf, 1, data.length);
        hasher.update(leaf, 0, n);
        return hasher.digest();
    }

    byte[] node(byte[] left, byte[] right) {
        node[0] = 1;
        System.arraycopy(left, 0, node, 1, 32);
        System.arraycopy(right, 0, node, 33, 32);
        hasher.update(node, 0, 65);
        return hasher.digest();
    }

    byte[] empty() {
        return hasher.digest();
    }
}
