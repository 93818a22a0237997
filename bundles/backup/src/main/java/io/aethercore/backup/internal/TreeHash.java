package io.aethercore.backup.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.crypto.digests.Blake3Digest;

/**
 * RFC 6962 / RFC 9162 tree hashing with the hash of a Merkle Vine log (BLAKE3 or SHA-256), and an
 * incremental root (the "frontier" of perfect subtrees). Used to recompute the root of a store from
 * its entries, independently of the store's own derived files.
 */
final class TreeHash {

    private final String algorithm;
    private final MessageDigest sha;
    private final Blake3Digest blake;
    private final byte[] out = new byte[32];
    private final io.aethercore.api.crypto.HashService service;

    private TreeHash(String algorithm, MessageDigest sha, Blake3Digest blake, io.aethercore.api.crypto.HashService service) {
        this.algorithm = algorithm;
        this.sha = sha;
        this.blake = blake;
        this.service = service;
    }

    private TreeHash(String algorithm, MessageDigest sha, Blake3Digest blake) {
        this(algorithm, sha, blake, null);
    }

    /**
     * BLAKE3 through a hash service (the node's best provider, native when it is installed), one call per
     * hash over an exact array; SHA-256 and a missing service fall back to {@link #of(String)}.
     */
    static TreeHash of(String algorithm, io.aethercore.api.crypto.HashService service) throws BackupException {
        TreeHash plain = of(algorithm);
        if (service == null || !plain.algorithm.equals("BLAKE3")
                || !service.algorithms().contains(io.aethercore.api.crypto.HashAlgorithm.BLAKE3)) {
            return plain;
        }
        return new TreeHash("BLAKE3", null, null, service);
    }

    /** BLAKE3 or SHA-256 (the id as {@code log.properties} spells it). */
    static TreeHash of(String algorithm) throws BackupException {
        String a = algorithm == null ? "" : algorithm.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        switch (a) {
            case "BLAKE3":
                return new TreeHash("BLAKE3", null, new Blake3Digest(256));
            case "SHA256":
                try {
                    return new TreeHash("SHA-256", MessageDigest.getInstance("SHA-256"), null);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            default:
                throw new BackupException(null, "unsupported Merkle hash algorithm '" + algorithm + "'");
        }
    }

    String algorithm() {
        return algorithm;
    }

    byte[] hash(int prefix, byte[] a, int aOff, int aLen, byte[] b) {
        if (service != null) {
            int p = prefix >= 0 ? 1 : 0;
            byte[] all = new byte[p + aLen + (b == null ? 0 : b.length)];
            if (p == 1) {
                all[0] = (byte) prefix;
            }
            System.arraycopy(a, aOff, all, p, aLen);
            if (b != null) {
                System.arraycopy(b, 0, all, p + aLen, b.length);
            }
            return service.hash(io.aethercore.api.crypto.HashAlgorithm.BLAKE3, all);
        }
        if (sha != null) {
            if (prefix >= 0) {
                sha.update((byte) prefix);
            }
            sha.update(a, aOff, aLen);
            if (b != null) {
                sha.update(b);
            }
            return sha.digest();
        }
        if (prefix >= 0) {
            blake.update((byte) prefix);
        }
        blake.update(a, aOff, aLen);
        if (b != null) {
            blake.update(b, 0, b.length);
        }
        blake.doFinal(out, 0);
        return out.clone();
    }

    byte[] leaf(byte[] entry, int off, int len) {
        return hash(0x00, entry, off, len, null);
    }

    byte[] node(byte[] left, byte[] right) {
        return hash(0x01, left, 0, left.length, right);
    }

    byte[] empty() {
        return hash(-1, new byte[0], 0, 0, null);
    }

    /** The root of a growing tree, one leaf hash at a time. */
    static final class Frontier {
        private final TreeHash h;
        private final List<byte[]> peaks = new ArrayList<>();   // peaks[0] is the largest subtree
        private long size;

        Frontier(TreeHash h) {
            this.h = h;
        }

        void push(byte[] leafHash) {
            byte[] cur = leafHash;
            long n = size;
            while ((n & 1) == 1) {
                cur = h.node(peaks.remove(peaks.size() - 1), cur);
                n >>>= 1;
            }
            peaks.add(cur);
            size++;
        }

        long size() {
            return size;
        }

        byte[] root() {
            if (peaks.isEmpty()) {
                return h.empty();
            }
            byte[] acc = peaks.get(peaks.size() - 1);
            for (int i = peaks.size() - 2; i >= 0; i--) {
                acc = h.node(peaks.get(i), acc);
            }
            return acc;
        }
    }
}
