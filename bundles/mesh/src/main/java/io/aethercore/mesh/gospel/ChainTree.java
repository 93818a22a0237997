package io.aethercore.mesh.gospel;

import io.aethercore.api.merkle.ConsistencyProof;
import io.aethercore.api.merkle.MerkleHasher;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 9162 Merkle tree held in memory: leaf hashes, and the hash of every complete subtree that
 * starts at a multiple of its own width, so that the root of any prefix and a consistency proof
 * between two prefixes cost O(log n) hashes. Not thread-safe; {@link Gospel} guards it.
 */
final class ChainTree {

    private final MerkleHasher hasher;
    /** levels.get(h).get(i): the subtree of 2^h leaves starting at leaf i * 2^h. */
    private final List<List<byte[]>> levels = new ArrayList<>();

    ChainTree(MerkleHasher hasher) {
        this.hasher = hasher;
        levels.add(new ArrayList<>());
    }

    MerkleHasher hasher() {
        return hasher;
    }

    long size() {
        return levels.get(0).size();
    }

    void appendEntry(byte[] entry) {
        appendLeafHash(hasher.leafHash(entry));
    }

    void appendLeafHash(byte[] leafHash) {
        levels.get(0).add(leafHash);
        int h = 0;
        while (levels.get(h).size() % 2 == 0) {
            List<byte[]> level = levels.get(h);
            byte[] parent = hasher.nodeHash(level.get(level.size() - 2), level.get(level.size() - 1));
            if (levels.size() == h + 1) {
                levels.add(new ArrayList<>());
            }
            levels.get(h + 1).add(parent);
            h++;
        }
    }

    /** Forgets every leaf from {@code n} on (a batch that did not verify). */
    void truncate(long n) {
        for (int h = 0; h < levels.size(); h++) {
            List<byte[]> level = levels.get(h);
            long keep = n >> h;
            while (level.size() > keep) {
                level.remove(level.size() - 1);
            }
        }
    }

    byte[] leafHash(long index) {
        return levels.get(0).get((int) index);
    }

    /** Root of the first {@code n} leaves. */
    byte[] root(long n) {
        if (n < 0 || n > size()) {
            throw new IllegalArgumentException("tree size " + n + " outside 0.." + size());
        }
        return n == 0 ? hasher.emptyRoot() : hash(0, n);
    }

    /** MTH of leaves [lo, hi), hi > lo. */
    private byte[] hash(long lo, long hi) {
        long width = hi - lo;
        if (Long.bitCount(width) == 1 && lo % width == 0) {
            int h = Long.numberOfTrailingZeros(width);
            if (h < levels.size() && lo / width < levels.get(h).size()) {
                return levels.get(h).get((int) (lo / width));
            }
        }
        long k = Long.highestOneBit(width - 1);
        return hasher.nodeHash(hash(lo, lo + k), hash(lo + k, hi));
    }

    /** RFC 9162 2.1.4.1: the consistency proof from the tree of {@code m} leaves to that of {@code n}. */
    ConsistencyProof consistency(long m, long n) {
        if (m < 0 || m > n || n > size()) {
            throw new IllegalArgumentException("consistency " + m + " -> " + n + " outside 0.." + size());
        }
        List<byte[]> path = new ArrayList<>();
        if (m > 0 && m < n) {
            subproof(m, 0, n, true, path);
        }
        return new ConsistencyProof(m, n, path);
    }

    private void subproof(long m, long lo, long hi, boolean complete, List<byte[]> out) {
        long n = hi - lo;
        if (m == n) {
            if (!complete) {
                out.add(hash(lo, hi));
            }
            return;
        }
        long k = Long.highestOneBit(n - 1);
        if (m <= k) {
            subproof(m, lo, lo + k, complete, out);
            out.add(hash(lo + k, hi));
        } else {
            subproof(m - k, lo + k, hi, false, out);
            out.add(hash(lo, lo + k));
        }
    }
}
