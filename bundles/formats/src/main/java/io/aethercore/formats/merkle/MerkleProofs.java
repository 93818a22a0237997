package io.aethercore.formats.merkle;

import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.InvalidProofException;
import io.aethercore.api.merkle.InclusionProof;
import io.aethercore.api.merkle.ConsistencyProof;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Proof verification as plain functions, following RFC 9162 sections 2.1.3.2 and 2.1.4.2 step by
 * step. Usable by any client, without the Merkle log service.
 */
public final class MerkleProofs {

    private MerkleProofs() {}

    /**
     * The root that {@code proof} implies for a leaf with hash {@code leafHash}.
     *
     * @throws InvalidProofException if the path has the wrong length for the index and size
     */
    public static byte[] rootFromInclusionProof(MerkleHasher hasher, byte[] leafHash, InclusionProof proof)
            throws InvalidProofException {
        Objects.requireNonNull(hasher, "hasher");
        checkHash(hasher, leafHash, "leaf hash");
        long fn = proof.leafIndex();
        long sn = proof.treeSize() - 1;
        byte[] r = leafHash;
        for (int i = 0; i < proof.length(); i++) {
            byte[] p = proof.at(i);
            checkHash(hasher, p, "proof hash");
            if (sn == 0) {
                throw new InvalidProofException("inclusion proof is longer than a tree of size "
                        + proof.treeSize() + " allows");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = hasher.nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                r = hasher.nodeHash(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException("inclusion proof is shorter than a tree of size "
                    + proof.treeSize() + " needs");
        }
        return r;
    }

    /**
     * Checks that the leaf with hash {@code leafHash} is at {@code proof.leafIndex()} in the tree of
     * {@code proof.treeSize()} leaves whose root is {@code root}.
     *
     * @throws InvalidProofException naming the failed check
     */
    public static void verifyInclusion(MerkleHasher hasher, byte[] leafHash, InclusionProof proof, byte[] root)
            throws InvalidProofException {
        checkHash(hasher, root, "root");
        byte[] computed = rootFromInclusionProof(hasher, leafHash, proof);
        if (!MessageDigest.isEqual(computed, root)) {
            throw new InvalidProofException("inclusion proof does not lead to the root of the tree of size "
                    + proof.treeSize());
        }
    }

    /**
     * Checks that the tree of {@code proof.oldSize()} leaves with root {@code oldRoot} is a prefix of
     * the tree of {@code proof.newSize()} leaves with root {@code newRoot}.
     *
     * @throws InvalidProofException naming the failed check
     */
    public static void verifyConsistency(MerkleHasher hasher, ConsistencyProof proof, byte[] oldRoot, byte[] newRoot)
            throws InvalidProofException {
        Objects.requireNonNull(hasher, "hasher");
        checkHash(hasher, newRoot, "new root");
        long first = proof.oldSize();
        long second = proof.newSize();
        if (first == second || first == 0) {
            if (proof.length() != 0) {
                throw new InvalidProofException("consistency proof from size " + first + " to " + second
                        + " must be empty");
            }
            if (first == second && (oldRoot == null || !MessageDigest.isEqual(oldRoot, newRoot))) {
                throw new InvalidProofException("trees of equal size " + first + " have different roots");
            }
            return;
        }
        checkHash(hasher, oldRoot, "old root");
        if (proof.length() == 0) {
            throw new InvalidProofException("consistency proof from size " + first + " to " + second + " is empty");
        }
        for (int i = 0; i < proof.length(); i++) {
            checkHash(hasher, proof.at(i), "proof hash");
        }
        int next = 0;
        byte[] start;
        if (Long.bitCount(first) == 1) {
            start = oldRoot; // prepend first_hash (RFC 9162 2.1.4.2 step 2)
        } else {
            start = proof.at(next++);
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = start;
        byte[] sr = start;
        for (; next < proof.length(); next++) {
            byte[] c = proof.at(next);
            if (sn == 0) {
                throw new InvalidProofException("consistency proof is longer than sizes " + first + " and "
                        + second + " allow");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = hasher.nodeHash(c, fr);
                sr = hasher.nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                sr = hasher.nodeHash(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException("consistency proof is shorter than sizes " + first + " and "
                    + second + " need");
        }
        if (!MessageDigest.isEqual(fr, oldRoot)) {
            throw new InvalidProofException("consistency proof does not lead to the old root (size " + first + ")");
        }
        if (!MessageDigest.isEqual(sr, newRoot)) {
            throw new InvalidProofException("consistency proof does not lead to the new root (size " + second + ")");
        }
    }

    private static void checkHash(MerkleHasher hasher, byte[] h, String what) throws InvalidProofException {
        if (h == null || h.length != hasher.hashLength()) {
            throw new InvalidProofException(what + " must be " + hasher.hashLength() + " bytes");
        }
    }
}
