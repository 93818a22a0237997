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

    TreeHasher(HashService service, HashAlgorithm algorithm) {
        this.service = service;
        this.hasher = service.newHasher(algorithm);
    }

    /** The provider this hasher was made from. */
    HashService service() {
        return service;
    }

    byte[] leaf(byte[] data) {
        // one exact-size array per leaf: native providers copy whole arrays across JNI, so handing
        // them a sub-range of a larger buffer costs more than the allocation
        byte[] in = new byte[data.length + 1];
        System.arraycopy(data, 0, in, 1, data.length);
        hasher.update(in, 0, in.length);
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
