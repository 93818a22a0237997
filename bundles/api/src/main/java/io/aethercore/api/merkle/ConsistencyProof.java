package io.aethercore.api.merkle;

import java.util.List;

/**
 * Proof that the tree of {@code oldSize} leaves is a prefix of the tree of {@code newSize} leaves
 * (RFC 9162 section 2.1.4).
 */
public final class ConsistencyProof {

    private final long oldSize;
    private final long newSize;
    private final List<byte[]> path;

    public ConsistencyProof(long oldSize, long newSize, List<byte[]> path) {
        if (oldSize < 0 || newSize < oldSize) {
            throw new IllegalArgumentException("no consistency proof from size " + oldSize + " to size " + newSize);
        }
        this.oldSize = oldSize;
        this.newSize = newSize;
        this.path = HashList.copy(path);
    }

    public long oldSize() {
        return oldSize;
    }

    public long newSize() {
        return newSize;
    }

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
        return "ConsistencyProof[" + oldSize + " -> " + newSize + ", path=" + HashList.toString(path) + "]";
    }
}
