package io.aethercore.merkle.internal;

import static io.aethercore.merkle.internal.MerkleTestSupport.hexList;
import static io.aethercore.merkle.internal.MerkleTestSupport.sameHashes;
import static io.aethercore.merkle.internal.MerkleTestSupport.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.merkle.ConsistencyProof;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.InclusionProof;
import io.aethercore.api.merkle.InvalidProofException;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.formats.merkle.MerkleProofs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every inclusion and consistency proof of every tree up to 64 leaves (70 with BLAKE3) against a
 * naive RFC 6962 reference, and the verifiers against mutated proofs.
 */
class ProofsExhaustiveTest {

    static final MerkleHasher SHA256 = MerkleHasher.sha256();
    static final int MAX = 64;
    static final int MAX_BLAKE3 = 70;
    static final long SEED = 0x5eed_6962L;

    @TempDir
    Path tmp;

    static List<byte[]> entries(int n) {
        List<byte[]> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(utf8("entry-" + i + "-" + "x".repeat(i % 7)));
        }
        return l;
    }

    /** Our proofs equal the reference's, for every index, size and pair of sizes; MerkleProofs verifies them. */
    void compareAll(VineLog log, MerkleHasher hasher, int max) throws Exception {
        List<byte[]> entries = entries(max);
        for (byte[] e : entries) {
            log.append(e);
        }
        MerkleTestSupport.Reference ref = new MerkleTestSupport.Reference(hasher, entries);
        MerkleHasher logHasher = log.hasher();
        assertArrayEquals(hasher.emptyRoot(), log.rootAt(0));
        for (int n = 1; n <= max; n++) {
            byte[] root = log.rootAt(n);
            assertArrayEquals(ref.root(n), root, "root at " + n);
            for (int i = 0; i < n; i++) {
                InclusionProof p = log.inclusionProof(i, n);
                List<byte[]> want = ref.path(i, n);
                assertTrue(sameHashes(want, p.path()),
                        () -> "inclusion proof " + p + " differs from the reference " + hexList(want));
                MerkleProofs.verifyInclusion(hasher, ref.leafHash(i), p, root);
                MerkleProofs.verifyInclusion(logHasher, log.leafHash(i), p, root);
            }
            for (int m = 0; m <= n; m++) {
                ConsistencyProof p = log.consistencyProof(m, n);
                List<byte[]> want = ref.proof(m, n);
                assertTrue(sameHashes(want, p.path()),
                        () -> "consistency proof " + p + " differs from the reference " + hexList(want));
                MerkleProofs.verifyConsistency(hasher, p, log.rootAt(m), root);
            }
        }
        assertArrayEquals(ref.root(max), log.root());
    }

    @Test
    void sha256InMemory() throws Exception {
        try (VineLog log = MerkleTestSupport.openSha256(null, Durability.SYNC)) {
            compareAll(log, SHA256, MAX);
        }
    }

    @Test
    void sha256OnDisk() throws Exception {
        try (VineLog log = MerkleTestSupport.openSha256(tmp.resolve("sha"), Durability.ASYNC)) {
            compareAll(log, SHA256, MAX);
        }
        // and again from the files alone
        try (VineLog log = MerkleTestSupport.openSha256(tmp.resolve("sha"), Durability.ASYNC)) {
            MerkleTestSupport.Reference ref = new MerkleTestSupport.Reference(SHA256, entries(MAX));
            for (int n = 1; n <= MAX; n++) {
                assertArrayEquals(ref.root(n), log.rootAt(n));
                for (int i = 0; i < n; i += 3) {
                    assertTrue(sameHashes(ref.path(i, n), log.inclusionProof(i, n).path()));
                }
                for (int m = 1; m < n; m += 3) {
                    assertTrue(sameHashes(ref.proof(m, n), log.consistencyProof(m, n).path()));
                }
            }
        }
    }

    @Test
    void blake3WithBouncyCastle() throws Exception {
        MerkleHasher blake3 = MerkleHasher.of(MerkleTestSupport.BC, HashAlgorithm.BLAKE3);
        try (VineLog log = MerkleTestSupport.open("b3", HashAlgorithm.BLAKE3, null, Durability.SYNC)) {
            compareAll(log, blake3, MAX_BLAKE3);
        }
        try (VineLog log = MerkleTestSupport.open("b3", HashAlgorithm.BLAKE3, tmp.resolve("b3"), Durability.GROUP)) {
            compareAll(log, blake3, MAX_BLAKE3);
        }
    }

    // ------------------------------------------------------------ mutations

    static void invalid(Executable e, String what) {
        assertThrows(InvalidProofException.class, e, what);
    }

    static byte[] flip(byte[] h, int bytePos, int bit) {
        byte[] c = h.clone();
        c[bytePos] ^= (byte) (1 << bit);
        return c;
    }

    static List<byte[]> replaced(List<byte[]> l, int at, byte[] h) {
        List<byte[]> c = new ArrayList<>(l);
        c.set(at, h);
        return c;
    }

    static List<byte[]> inserted(List<byte[]> l, int at, byte[] h) {
        List<byte[]> c = new ArrayList<>(l);
        c.add(at, h);
        return c;
    }

    static List<byte[]> removed(List<byte[]> l, int at) {
        List<byte[]> c = new ArrayList<>(l);
        c.remove(at);
        return c;
    }

    /** Byte positions to flip in one proof hash: all of them in small trees, a sample in bigger ones. */
    static int[] positions(int n, Random rnd) {
        if (n <= 16) {
            int[] all = new int[32];
            for (int i = 0; i < 32; i++) {
                all[i] = i;
            }
            return all;
        }
        return new int[] {0, 31, rnd.nextInt(32), rnd.nextInt(32)};
    }

    @Test
    void mutatedInclusionProofsNeverVerify() throws Exception {
        Random rnd = new Random(SEED);
        MerkleTestSupport.Reference ref = new MerkleTestSupport.Reference(SHA256, entries(MAX));
        try (VineLog log = MerkleTestSupport.openSha256(null, Durability.SYNC)) {
            for (byte[] e : entries(MAX)) {
                log.append(e);
            }
            byte[][] roots = new byte[MAX + 1][];
            for (int n = 0; n <= MAX; n++) {
                roots[n] = log.rootAt(n);
            }
            for (int n = 1; n <= MAX; n++) {
                for (int i = 0; i < n; i++) {
                    final int fi = i;
                    final int fn = n;
                    List<byte[]> path = log.inclusionProof(i, n).path();
                    byte[] leaf = log.leafHash(i);
                    byte[] root = roots[n];
                    String at = "index " + i + ", size " + n;
                    MerkleProofs.verifyInclusion(SHA256, leaf, new InclusionProof(i, n, path), root);

                    // any flipped bit of any proof hash
                    for (int k = 0; k < path.size(); k++) {
                        for (int pos : positions(n, rnd)) {
                            InclusionProof bad = new InclusionProof(i, n, replaced(path, k, flip(path.get(k), pos, rnd.nextInt(8))));
                            invalid(() -> MerkleProofs.verifyInclusion(SHA256, leaf, bad, root), at + ", flipped hash " + k);
                        }
                        // a hash of the wrong length
                        InclusionProof shortHash = new InclusionProof(i, n,
                                replaced(path, k, java.util.Arrays.copyOf(path.get(k), 31)));
                        invalid(() -> MerkleProofs.verifyInclusion(SHA256, leaf, shortHash, root), at + ", 31-byte hash");
                    }
                    // another index (the leaf hash stays that of index i)
                    for (int j = 0; j < n; j++) {
                        if (j != i && (n <= 16 || rnd.nextInt(n) < 4)) {
                            InclusionProof bad = new InclusionProof(j, n, path);
                            invalid(() -> MerkleProofs.verifyInclusion(SHA256, leaf, bad, root), at + ", index " + j);
                        }
                    }
                    // another size, with that size's true root: valid exactly when that size's proof is the same list
                    for (int m = i + 1; m <= MAX; m++) {
                        if (m == n) {
                            continue;
                        }
                        InclusionProof other = new InclusionProof(i, m, path);
                        if (sameHashes(ref.path(i, m), path)) {
                            MerkleProofs.verifyInclusion(SHA256, leaf, other, roots[m]);
                        } else {
                            final int fm = m;
                            invalid(() -> MerkleProofs.verifyInclusion(SHA256, leaf, other, roots[fm]), at + ", size " + m);
                        }
                    }
                    // a hash dropped, or one added anywhere
                    for (int k = 0; k < path.size(); k++) {
                        InclusionProof bad = new InclusionProof(i, n, removed(path, k));
                        invalid(() -> MerkleProofs.verifyInclusion(SHA256, leaf, bad, root), at + ", dropped " + k);
                    }
                    for (int k = 0; k <= path.size(); k++) {
                        byte[] extra = k % 2 == 0 ? root : ref.leafHash(rnd.nextInt(MAX));
                        InclusionProof bad = new InclusionProof(i, n, inserted(path, k, extra));
                        invalid(() -> MerkleProofs.verifyInclusion(SHA256, leaf, bad, root), at + ", inserted at " + k);
                    }
                    // the wrong root, the wrong leaf
                    InclusionProof good = new InclusionProof(i, n, path);
                    invalid(() -> MerkleProofs.verifyInclusion(SHA256, leaf, good, flip(root, rnd.nextInt(32), rnd.nextInt(8))),
                            at + ", flipped root");
                    invalid(() -> MerkleProofs.verifyInclusion(SHA256, leaf, good, roots[fn == 1 ? 2 : fn - 1]), at + ", other root");
                    invalid(() -> MerkleProofs.verifyInclusion(SHA256, leaf, good, SHA256.emptyRoot()), at + ", empty root");
                    invalid(() -> MerkleProofs.verifyInclusion(SHA256, leaf, good, new byte[0]), at + ", no root");
                    invalid(() -> MerkleProofs.verifyInclusion(SHA256, ref.leafHash((fi + 1) % MAX), good, root),
                            at + ", other leaf");
                    invalid(() -> MerkleProofs.verifyInclusion(SHA256, log.entry(fi), good, root), at + ", entry not hashed");
                }
            }
        }
    }

    @Test
    void mutatedConsistencyProofsNeverVerify() throws Exception {
        Random rnd = new Random(SEED + 1);
        MerkleTestSupport.Reference ref = new MerkleTestSupport.Reference(SHA256, entries(MAX));
        try (VineLog log = MerkleTestSupport.openSha256(null, Durability.SYNC)) {
            for (byte[] e : entries(MAX)) {
                log.append(e);
            }
            byte[][] roots = new byte[MAX + 1][];
            for (int n = 0; n <= MAX; n++) {
                roots[n] = log.rootAt(n);
            }
            for (int n = 1; n <= MAX; n++) {
                for (int m = 0; m <= n; m++) {
                    final int fm = m;
                    final int fn = n;
                    List<byte[]> path = log.consistencyProof(m, n).path();
                    byte[] r1 = roots[m];
                    byte[] r2 = roots[n];
                    String at = "sizes " + m + " -> " + n;
                    MerkleProofs.verifyConsistency(SHA256, new ConsistencyProof(m, n, path), r1, r2);

                    for (int k = 0; k < path.size(); k++) {
                        for (int pos : positions(n, rnd)) {
                            ConsistencyProof bad = new ConsistencyProof(m, n, replaced(path, k, flip(path.get(k), pos, rnd.nextInt(8))));
                            invalid(() -> MerkleProofs.verifyConsistency(SHA256, bad, r1, r2), at + ", flipped hash " + k);
                        }
                        ConsistencyProof longHash = new ConsistencyProof(m, n,
                                replaced(path, k, java.util.Arrays.copyOf(path.get(k), 33)));
                        invalid(() -> MerkleProofs.verifyConsistency(SHA256, longHash, r1, r2), at + ", 33-byte hash");
                    }
                    // another old size or another new size, with the true roots of those sizes
                    for (int m2 = 0; m2 <= n; m2++) {
                        if (m2 != m) {
                            checkOtherSizes(ref, roots, m2, n, path, at + ", old size " + m2);
                        }
                    }
                    for (int n2 = Math.max(m, 1); n2 <= MAX; n2++) {
                        if (n2 != n) {
                            checkOtherSizes(ref, roots, m, n2, path, at + ", new size " + n2);
                        }
                    }
                    // a hash dropped, or one added anywhere
                    for (int k = 0; k < path.size(); k++) {
                        ConsistencyProof bad = new ConsistencyProof(m, n, removed(path, k));
                        invalid(() -> MerkleProofs.verifyConsistency(SHA256, bad, r1, r2), at + ", dropped " + k);
                    }
                    for (int k = 0; k <= path.size(); k++) {
                        byte[] extra = switch (k % 3) {
                            case 0 -> r1;
                            case 1 -> r2;
                            default -> ref.leafHash(rnd.nextInt(MAX));
                        };
                        ConsistencyProof bad = new ConsistencyProof(m, n, inserted(path, k, extra));
                        invalid(() -> MerkleProofs.verifyConsistency(SHA256, bad, r1, r2), at + ", inserted at " + k);
                    }
                    // the wrong roots (every tree is consistent with the empty one, whatever the roots, as
                    // in RFC 9162 verifiers such as transparency-dev/merkle's; only their shape is checked)
                    ConsistencyProof good = new ConsistencyProof(m, n, path);
                    invalid(() -> MerkleProofs.verifyConsistency(SHA256, good, r1, new byte[0]), at + ", no new root");
                    if (m > 0) {
                        invalid(() -> MerkleProofs.verifyConsistency(SHA256, good, r1, flip(r2, rnd.nextInt(32), rnd.nextInt(8))),
                                at + ", flipped new root");
                        invalid(() -> MerkleProofs.verifyConsistency(SHA256, good, flip(r1, rnd.nextInt(32), rnd.nextInt(8)), r2),
                                at + ", flipped old root");
                        invalid(() -> MerkleProofs.verifyConsistency(SHA256, good, null, r2), at + ", no old root");
                        if (m != n) {
                            invalid(() -> MerkleProofs.verifyConsistency(SHA256, good, r2, r1), at + ", swapped roots");
                            invalid(() -> MerkleProofs.verifyConsistency(SHA256, good, roots[fm - 1], r2), at + ", old root of m-1");
                            invalid(() -> MerkleProofs.verifyConsistency(SHA256, good, r1, roots[fn == MAX ? fn - 1 : fn + 1]),
                                    at + ", other new root");
                        }
                    }
                }
            }
        }
    }

    /** With the true roots of (m, n), {@code path} verifies exactly when it is the reference proof for (m, n). */
    private static void checkOtherSizes(MerkleTestSupport.Reference ref, byte[][] roots, int m, int n, List<byte[]> path,
            String what) throws InvalidProofException {
        ConsistencyProof p = new ConsistencyProof(m, n, path);
        if (sameHashes(ref.proof(m, n), path)) {
            MerkleProofs.verifyConsistency(SHA256, p, roots[m], roots[n]);
        } else {
            invalid(() -> MerkleProofs.verifyConsistency(SHA256, p, roots[m], roots[n]), what);
        }
    }

    @Test
    void logArgumentsOutOfRange() throws Exception {
        try (VineLog log = MerkleTestSupport.openSha256(null, Durability.SYNC)) {
            for (byte[] e : entries(5)) {
                log.append(e);
            }
            assertThrows(IllegalArgumentException.class, () -> log.rootAt(6));
            assertThrows(IllegalArgumentException.class, () -> log.rootAt(-1));
            assertThrows(IllegalArgumentException.class, () -> log.inclusionProof(5, 5));
            assertThrows(IllegalArgumentException.class, () -> log.inclusionProof(-1, 5));
            assertThrows(IllegalArgumentException.class, () -> log.inclusionProof(0, 6));
            assertThrows(IllegalArgumentException.class, () -> log.consistencyProof(3, 2));
            assertThrows(IllegalArgumentException.class, () -> log.consistencyProof(-1, 2));
            assertThrows(IllegalArgumentException.class, () -> log.consistencyProof(2, 6));
            assertThrows(IllegalArgumentException.class, () -> log.entry(5));
            assertThrows(IllegalArgumentException.class, () -> log.leafHash(-1));
            assertEquals(0, log.consistencyProof(0, 5).path().size());
            assertEquals(0, log.consistencyProof(5, 5).path().size());
        }
    }
}
