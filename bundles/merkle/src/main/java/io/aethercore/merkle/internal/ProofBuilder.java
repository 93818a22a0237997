package io.aethercore.merkle.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Roots and proofs of any prefix of a stored tree (RFC 6962 section 2.1): MTH, PATH and SUBPROOF.
 * Every left subtree in these recursions is perfect and aligned, hence one stored node; only the
 * right edge of a tree whose size is not a power of two is hashed, O(log n) times at most.
 */
final class ProofBuilder {

    private final Frontier.NodeReader nodes;
    private final TreeHasher hasher;

    ProofBuilder(Frontier.NodeReader nodes, TreeHasher hasher) {
        this.nodes = nodes;
        this.hasher = hasher;
    }

    /** MTH(D[start:end]), {@code end > start}. */
    byte[] subtree(long start, long end) throws IOException {
        long n = end - start;
        if (TreeMath.isPowerOfTwo(n) && start % n == 0) {
            byte[] h = new byte[32];
            nodes.read(TreeMath.nodePosition(Long.numberOfTrailingZeros(n), start / n), h);
            return h;
        }
        long k = TreeMath.split(n);
        return hasher.node(subtree(start, start + k), subtree(start + k, end));
    }

    byte[] root(long size) throws IOException {
        return size == 0 ? hasher.empty() : subtree(0, size);
    }

    /** PATH(m, D[0:size]), leaf level first. */
    List<byte[]> inclusion(long m, long size) throws IOException {
        List<byte[]> path = new ArrayList<>();
        long start = 0;
        long end = size;
        while (end - start > 1) {
            long k = TreeMath.split(end - start);
            if (m < start + k) {
                path.add(subtree(start + k, end));
                end = start + k;
            } else {
                path.add(subtree(start, start + k));
                start = start + k;
            }
        }
        Collections.reverse(path);
        return path;
    }

    /** PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true), for {@code 0 < m < n}. */
    List<byte[]> consistency(long m, long n) throws IOException {
        List<byte[]> proof = new ArrayList<>();
        long start = 0;
        long end = n;
        long rel = m;
        boolean complete = true;
        while (true) {
            long size = end - start;
            if (rel == size) {
                if (!complete) {
                    proof.add(subtree(start, end));
                }
                break;
            }
            long k = TreeMath.split(size);
            if (rel <= k) {
                proof.add(subtree(start + k, end));
                end = start + k;
            } else {
                proof.add(subtree(start, start + k));
                start = start + k;
                rel -= k;
                complete = false;
            }
        }
        Collections.reverse(proof);
        return proof;
    }
}
