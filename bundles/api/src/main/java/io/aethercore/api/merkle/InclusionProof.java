package io.aethercore.api.merkle;

import java.util.List;

/**
 * Proof that the leaf at {@code leafIndex} is in the tree of {@code treeSize} leaves (RFC 9162
 * section 2.1.3): the sibling hashes from the leaf up to the root.
 */
public final class InclusionProof {

    private final long leafIndex;
    private final long treeSize;
    private final List<byte[]> path;

    public InclusionProof(long leafIndex, long treeSize, List<byte[]> path) {
        if (treeSize < 1 || leafIndex < 0 || leafIndex >= treeSize) {
            throw new IllegalArgumentException("leaf index " + leafIndex + " is not in a tree of size " + treeSize);
        }
        this.leafIndex = leafIndex;
        this.treeSize = treeSize;
        this.path = HashList.copy(path);
    }

    public long leafIndex() {
        return leafIndex;
    }

    public long treeSize() {
        return treeSize;
    }

    /** Sibling hashes, leaf level first (copies). */
    public List<byte[]> path() {
        return HashList.copy(path);
    }

    /** The number of hashes in the path. */
    public int length() {
        return path.size();
    }

    /** The {@code i}-th hash of the path (a copy). */
    public byte[] at(int i) {
        return path.get(i).clone();
    }

    @Override
    public String toString() {
        return "InclusionProof[index=" + leafIndex + ", size=" + treeSize + ", path=" + HashList.toString(path) + "]";
    }
}
