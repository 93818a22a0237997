package io.aethercore.merkle.internal;

/**
 * Index arithmetic of the tree and of its storage layout.
 *
 * <p>Nodes are stored in the order they are completed (post-order, the layout of a Merkle Mountain
 * Range): appending leaf {@code i} writes its leaf hash, then the hash of every perfect subtree that
 * leaf completes. So every stored node is the root of a perfect, aligned subtree, the file is
 * append-only, and the position of the node at {@code level} and {@code index} (covering leaves
 * {@code [index * 2^level, (index + 1) * 2^level)}) is a closed formula.
 */
final class TreeMath {

    /** Position of leaf {@code i}: {@code 2i - popcount(i)}. */
    static long leafPosition(long i) {
        return 2 * i - Long.bitCount(i);
    }

    /** Position of the perfect subtree node at {@code level}, {@code index}. */
    static long nodePosition(int level, long index) {
        long lastLeaf = ((index + 1) << level) - 1;
        return leafPosition(lastLeaf) + level;
    }

    /** Number of stored nodes for {@code n} leaves: {@code 2n - popcount(n)}. */
    static long storedNodes(long n) {
        return 2 * n - Long.bitCount(n);
    }

    /** The largest {@code n} whose nodes fit in {@code nodes} stored nodes. */
    static long leavesFor(long nodes) {
        long lo = 0;
        long hi = nodes; // storedNodes(n) >= n
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (storedNodes(mid) <= nodes) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The largest power of two strictly below {@code n} (RFC 6962 {@code k}); {@code n >= 2}. */
    static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    static boolean isPowerOfTwo(long n) {
        return n > 0 && (n & (n - 1)) == 0;
    }

    private TreeMath() {}
}
