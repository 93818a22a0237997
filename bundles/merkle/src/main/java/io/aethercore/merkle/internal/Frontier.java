package io.aethercore.merkle.internal;

import java.io.IOException;

/**
 * The right edge of the tree: the roots of the perfect subtrees that make up the first {@code size}
 * leaves, one per set bit of {@code size}. Appending a leaf merges the peaks of its trailing one
 * bits, so an append hashes once for the leaf plus once per merge: amortised two hashes, at most
 * {@code log2(n) + 1}. Not thread-safe.
 */
final class Frontier {

    /** Reads a stored node by position. */
    interface NodeReader {
        void read(long position, byte[] out32) throws IOException;
    }

    private final byte[][] peaks = new byte[64][];
    private long size;

    long size() {
        return size;
    }

    /**
     * Appends a leaf: writes the nodes it completes into {@code out} (the leaf hash first, then one
     * per merged level, in storage order) and returns how many.
     */
    int push(byte[] leafHash, TreeHasher hasher, byte[][] out) {
        long i = size;
        out[0] = leafHash;
        int count = 1;
        byte[] cur = leafHash;
        int level = 0;
        while (((i >>> level) & 1) == 1) {
            cur = hasher.node(peaks[level], cur);
            level++;
            out[count++] = cur;
        }
        // change state only once every hash is computed: a failing provider leaves the frontier intact
        for (int l = 0; l < level; l++) {
            peaks[l] = null;
        }
        peaks[level] = cur;
        size++;
        return count;
    }

    /** Root of the current tree: the peaks folded from the smallest up. */
    byte[] root(TreeHasher hasher) {
        byte[] acc = null;
        for (int level = 0; level < 64; level++) {
            if (((size >>> level) & 1) == 1) {
                acc = acc == null ? peaks[level] : hasher.node(peaks[level], acc);
            }
        }
        return acc == null ? hasher.empty() : acc;
    }

    /** The frontier of a stored tree of {@code n} leaves: one node read per set bit. */
    static Frontier load(long n, NodeReader reader) throws IOException {
        Frontier f = new Frontier();
        for (int level = 0; level < 64; level++) {
            if (((n >>> level) & 1) == 1) {
                byte[] h = new byte[32];
                reader.read(TreeMath.nodePosition(level, (n >>> level) - 1), h);
                f.peaks[level] = h;
            }
        }
        f.size = n;
        return f;
    }
}
