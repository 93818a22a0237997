package io.aethercore.api.merkle;

import java.util.ArrayList;
import java.util.Base64;
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
        List<byte[]> copy = new ArrayList<>(path.size());
        for (byte[] h : path) {
            copy.add(h.clone());
        }
        this.path = copy;
    }

    public long oldSize() {
        return oldSize;
    }

    public long newSize() {
        return newSize;
    }

    public List<byte[]> path() {
        List<byte[]> copy = new ArrayList<>(path.size());
        for (byte[] h : path) {
            copy.add(h.clone());
        }
        return copy;
    }

    int length() {
        return path.size();
    }

    byte[] at(int i) {
        return path.get(i);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ConsistencyProof[" + oldSize + " -> " + newSize + ", path=[");
        for (int i = 0; i < path.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(Base64.getEncoder().encodeToString(path.get(i)));
        }
        return sb.append("]]").toString();
    }
}
