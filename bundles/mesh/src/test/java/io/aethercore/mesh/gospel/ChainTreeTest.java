package io.aethercore.mesh.gospel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.aethercore.api.merkle.ConsistencyProof;
import io.aethercore.api.merkle.InvalidProofException;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.formats.merkle.MerkleProofs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory tree against RFC 9162 computed naively, and its proofs against the platform's verifier. */
class ChainTreeTest {

    static final MerkleHasher H = MerkleHasher.sha256();

    static byte[] naive(List<byte[]> leaves, int lo, int hi) {
        if (hi - lo == 0) {
            return H.emptyRoot();
        }
        if (hi - lo == 1) {
            return H.leafHash(leaves.get(lo));
        }
        int k = Integer.highestOneBit(hi - lo - 1);
        return H.nodeHash(naive(leaves, lo, lo + k), naive(leaves, lo + k, hi));
    }

    @Test
    void rootsAndConsistencyProofsVerifyForEverySizeUpTo70() throws Exception {
        ChainTree t = new ChainTree(H);
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            byte[] e = ("entry " + i).getBytes(StandardCharsets.UTF_8);
            leaves.add(e);
            t.appendEntry(e);
        }
        for (int n = 0; n <= 70; n++) {
            assertArrayEquals(naive(leaves, 0, n), t.root(n), "root of " + n);
            for (int m = 1; m <= n; m++) {
                ConsistencyProof p = t.consistency(m, n);
                MerkleProofs.verifyConsistency(H, p, t.root(m), t.root(n));
            }
        }
    }

    @Test
    void aProofDoesNotVerifyAnotherTree() {
        ChainTree a = new ChainTree(H);
        ChainTree b = new ChainTree(H);
        for (int i = 0; i < 9; i++) {
            a.appendEntry(new byte[] {(byte) i});
            b.appendEntry(new byte[] {(byte) (i == 3 ? 99 : i)});
        }
        assertThrows(InvalidProofException.class,
                () -> MerkleProofs.verifyConsistency(H, a.consistency(5, 9), b.root(5), a.root(9)));
    }

    @Test
    void truncateForgetsTheTail() {
        ChainTree t = new ChainTree(H);
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            leaves.add(new byte[] {(byte) i});
            t.appendEntry(leaves.get(i));
        }
        t.truncate(6);
        t.appendEntry(new byte[] {42});
        leaves = new ArrayList<>(leaves.subList(0, 6));
        leaves.add(new byte[] {42});
        assertArrayEquals(naive(leaves, 0, 7), t.root(7));
    }
}
