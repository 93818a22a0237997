package io.aethercore.merkle.internal;

import static io.aethercore.merkle.internal.MerkleTestSupport.hex;
import static io.aethercore.merkle.internal.MerkleTestSupport.hexList;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The published RFC 6962 test data of Certificate Transparency, SHA-256.
 *
 * <p>Source: github.com/transparency-dev/merkle (the Go Merkle library of Google's CT and Trillian),
 * {@code proof/verify_test.go}: {@code leaves}, {@code roots}, {@code inclusionProofs}, {@code
 * consistencyProofs}, the probes of {@code corruptInclusionProof}/{@code corruptConsistencyProof} and
 * the tables of {@code TestVerifyInclusion}, {@code TestVerifyInclusionSingleEntry}, {@code
 * TestVerifyConsistency}; {@code rfc6962/rfc6962_test.go} for the hasher vectors; {@code
 * proof/proof_test.go} ({@code TestInclusion}, {@code TestConsistency}) for the node layout of
 * proofs in bigger trees. The same leaves and roots appear in google/certificate-transparency
 * (C++ {@code merkletree} tests) and google/certificate-transparency-go. In {@code inclusionProofs}
 * the Go table counts leaves from 1; the indexes below are 0-based.
 */
class Rfc6962VectorsTest {

    static final MerkleHasher SHA256 = MerkleHasher.sha256();

    static final String[] LEAVES = {
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"
    };

    static final String EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /** Roots of the trees of sizes 1..8. */
    static final String[] ROOTS = {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    };

    record Inclusion(int index, int size, String... path) {}

    record Consistency(int size1, int size2, String... path) {}

    static final Inclusion[] INCLUSION = {
        new Inclusion(0, 1),
        new Inclusion(0, 8,
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        new Inclusion(5, 8,
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        new Inclusion(2, 3,
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
        new Inclusion(1, 5,
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
    };

    static final Consistency[] CONSISTENCY = {
        new Consistency(1, 1),
        new Consistency(1, 8,
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        new Consistency(6, 8,
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        new Consistency(2, 5,
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        new Consistency(6, 7,
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    };

    /** {@code sha256SomeHash} of verify_test.go. */
    static final byte[] SOME_HASH = hex("abacaba000000000000000000000000000000000000000000060061e00123456");

    @TempDir
    Path tmp;

    static List<byte[]> hashes(String... hex) {
        List<byte[]> l = new ArrayList<>();
        for (String s : hex) {
            l.add(hex(s));
        }
        return l;
    }

    static byte[] root(int size) {
        return size == 0 ? hex(EMPTY_ROOT) : hex(ROOTS[size - 1]);
    }

    VineLog fill(String storage) throws Exception {
        VineLog log = MerkleTestSupport.openSha256("file".equals(storage) ? tmp.resolve("log") : null, Durability.SYNC);
        assertArrayEquals(hex(EMPTY_ROOT), log.root());
        for (int i = 0; i < LEAVES.length; i++) {
            assertEquals(i, log.append(hex(LEAVES[i])));
            assertEquals(ROOTS[i], hex(log.root()), "root after " + (i + 1) + " appends");
        }
        return log;
    }

    @Test
    void hasherVectors() {
        // rfc6962/rfc6962_test.go
        for (MerkleHasher h : new MerkleHasher[] {SHA256, MerkleHasher.of(MerkleTestSupport.BC, HashAlgorithm.SHA_256)}) {
            assertEquals(EMPTY_ROOT, hex(h.emptyRoot()));
            assertEquals("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", hex(h.leafHash(new byte[0])));
            assertEquals("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56",
                    hex(h.leafHash(utf8("L123456"))));
            assertEquals("aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb",
                    hex(h.nodeHash(utf8("N123"), utf8("N456"))));
        }
        TreeHasher th = new TreeHasher(MerkleTestSupport.BC, HashAlgorithm.SHA_256);
        assertEquals(EMPTY_ROOT, hex(th.empty()));
        assertEquals("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56", hex(th.leaf(utf8("L123456"))));
    }

    @Test
    void referenceImplementationAgreesWithThePublishedRoots() {
        List<byte[]> entries = new ArrayList<>();
        for (String l : LEAVES) {
            entries.add(hex(l));
        }
        MerkleTestSupport.Reference ref = new MerkleTestSupport.Reference(SHA256, entries);
        for (int n = 0; n <= 8; n++) {
            assertArrayEquals(root(n), ref.root(n), "size " + n);
        }
        for (Inclusion v : INCLUSION) {
            assertTrue(MerkleTestSupport.sameHashes(hashes(v.path()), ref.path(v.index(), v.size())), v.toString());
        }
        for (Consistency v : CONSISTENCY) {
            assertTrue(MerkleTestSupport.sameHashes(hashes(v.path()), ref.proof(v.size1(), v.size2())), v.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file"})
    void rootsAtEverySize(String storage) throws Exception {
        try (VineLog log = fill(storage)) {
            for (int n = 0; n <= 8; n++) {
                assertEquals(hex(root(n)), hex(log.rootAt(n)), "rootAt(" + n + ")");
            }
            assertEquals(8, log.checkpoint().size());
            assertArrayEquals(root(8), log.checkpoint().root());
            for (int i = 0; i < LEAVES.length; i++) {
                assertArrayEquals(hex(LEAVES[i]), log.entry(i));
                assertArrayEquals(SHA256.leafHash(hex(LEAVES[i])), log.leafHash(i));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file"})
    void publishedInclusionProofs(String storage) throws Exception {
        try (VineLog log = fill(storage)) {
            for (Inclusion v : INCLUSION) {
                InclusionProof p = log.inclusionProof(v.index(), v.size());
                assertEquals(hexList(hashes(v.path())), hexList(p.path()), v.toString());
                byte[] leaf = SHA256.leafHash(hex(LEAVES[v.index()]));
                MerkleProofs.verifyInclusion(SHA256, leaf, p, root(v.size()));
                MerkleProofs.verifyInclusion(log.hasher(), log.leafHash(v.index()), p, log.rootAt(v.size()));
                assertArrayEquals(root(v.size()), MerkleProofs.rootFromInclusionProof(SHA256, leaf, p));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file"})
    void publishedConsistencyProofs(String storage) throws Exception {
        try (VineLog log = fill(storage)) {
            for (Consistency v : CONSISTENCY) {
                ConsistencyProof p = log.consistencyProof(v.size1(), v.size2());
                assertEquals(hexList(hashes(v.path())), hexList(p.path()), v.toString());
                MerkleProofs.verifyConsistency(SHA256, p, root(v.size1()), root(v.size2()));
            }
        }
    }

    // ------------------------------------------------------------ verify_test.go, probes

    /** corruptInclusionProof: every probe must fail; probes our types cannot even express are refused at construction. */
    @Test
    void corruptedInclusionProofsFail() throws Exception {
        for (Inclusion v : INCLUSION) {
            if (v.size() == 1) {
                continue; // verify_test.go skips the trivial vector too
            }
            long idx = v.index();
            long size = v.size();
            List<byte[]> proof = hashes(v.path());
            byte[] r = root(v.size());
            byte[] leaf = SHA256.leafHash(hex(LEAVES[v.index()]));
            MerkleProofs.verifyInclusion(SHA256, leaf, new InclusionProof(idx, size, proof), r);

            record Probe(String desc, long idx, long size, byte[] root, byte[] leaf, List<byte[]> proof) {}
            List<Probe> probes = new ArrayList<>();
            probes.add(new Probe("leafIndex - 1", idx - 1, size, r, leaf, proof));
            probes.add(new Probe("leafIndex + 1", idx + 1, size, r, leaf, proof));
            probes.add(new Probe("leafIndex ^ 2", idx ^ 2, size, r, leaf, proof));
            probes.add(new Probe("treeSize * 2", idx, size * 2, r, leaf, proof));
            probes.add(new Probe("treeSize / 2", idx, size / 2, r, leaf, proof));
            probes.add(new Probe("wrong leaf", idx, size, r, utf8("WrongLeaf"), proof));
            probes.add(new Probe("empty root", idx, size, hex(EMPTY_ROOT), leaf, proof));
            probes.add(new Probe("random root", idx, size, SOME_HASH, leaf, proof));
            probes.add(new Probe("trailing garbage", idx, size, r, leaf, with(proof, proof.size(), new byte[0])));
            probes.add(new Probe("trailing root", idx, size, r, leaf, with(proof, proof.size(), r)));
            probes.add(new Probe("preceding garbage", idx, size, r, leaf, with(proof, 0, new byte[0])));
            probes.add(new Probe("preceding root", idx, size, r, leaf, with(proof, 0, r)));
            for (int i = 0; i < proof.size(); i++) {
                List<byte[]> w = copy(proof);
                w.get(i)[0] ^= 8;
                probes.add(new Probe("modified proof[" + i + "] bit 3", idx, size, r, leaf, w));
            }
            probes.add(new Probe("removed component", idx, size, r, leaf, proof.subList(0, proof.size() - 1)));
            if (proof.size() > 1) {
                List<byte[]> w = new ArrayList<>();
                w.add(proof.get(0));
                w.add(SOME_HASH);
                w.addAll(proof.subList(1, proof.size()));
                probes.add(new Probe("inserted component", idx, size, r, leaf, w));
            }
            for (Probe p : probes) {
                InclusionProof ip;
                try {
                    ip = new InclusionProof(p.idx(), p.size(), p.proof());
                } catch (IllegalArgumentException e) {
                    continue; // index outside the tree: not representable, so never verified
                }
                assertThrows(InvalidProofException.class,
                        () -> MerkleProofs.verifyInclusion(SHA256, p.leaf(), ip, p.root()), v + ": " + p.desc());
            }
        }
    }

    /** corruptConsistencyProof: every probe must fail. */
    @Test
    void corruptedConsistencyProofsFail() throws Exception {
        for (Consistency v : CONSISTENCY) {
            List<byte[]> proof = hashes(v.path());
            if (proof.isEmpty()) {
                continue;
            }
            long s1 = v.size1();
            long s2 = v.size2();
            byte[] r1 = root(v.size1());
            byte[] r2 = root(v.size2());
            MerkleProofs.verifyConsistency(SHA256, new ConsistencyProof(s1, s2, proof), r1, r2);

            record Probe(String desc, long s1, long s2, byte[] r1, byte[] r2, List<byte[]> proof) {}
            List<Probe> probes = new ArrayList<>();
            probes.add(new Probe("size1 - 1", s1 - 1, s2, r1, r2, proof));
            probes.add(new Probe("size1 + 1", s1 + 1, s2, r1, r2, proof));
            probes.add(new Probe("size1 ^ 2", s1 ^ 2, s2, r1, r2, proof));
            probes.add(new Probe("size2 * 2", s1, s2 * 2, r1, r2, proof));
            probes.add(new Probe("size2 / 2", s1, s2 / 2, r1, r2, proof));
            probes.add(new Probe("wrong root1", s1, s2, utf8("WrongRoot"), r2, proof));
            probes.add(new Probe("wrong root2", s1, s2, r1, utf8("WrongRoot"), proof));
            probes.add(new Probe("swapped roots", s1, s2, r2, r1, proof));
            probes.add(new Probe("empty proof", s1, s2, r1, r2, List.of()));
            probes.add(new Probe("trailing garbage", s1, s2, r1, r2, with(proof, proof.size(), new byte[0])));
            probes.add(new Probe("trailing root1", s1, s2, r1, r2, with(proof, proof.size(), r1)));
            probes.add(new Probe("trailing root2", s1, s2, r1, r2, with(proof, proof.size(), r2)));
            probes.add(new Probe("preceding garbage", s1, s2, r1, r2, with(proof, 0, new byte[0])));
            probes.add(new Probe("preceding root1", s1, s2, r1, r2, with(proof, 0, r1)));
            probes.add(new Probe("preceding root2", s1, s2, r1, r2, with(proof, 0, r2)));
            probes.add(new Probe("preceding proof[0]", s1, s2, r1, r2, with(proof, 0, proof.get(0))));
            probes.add(new Probe("truncated proof", s1, s2, r1, r2, proof.subList(0, proof.size() - 1)));
            for (int i = 0; i < proof.size(); i++) {
                List<byte[]> w = copy(proof);
                w.get(i)[0] ^= 16;
                probes.add(new Probe("modified proof[" + i + "] bit 4", s1, s2, r1, r2, w));
            }
            for (Probe p : probes) {
                ConsistencyProof cp;
                try {
                    cp = new ConsistencyProof(p.s1(), p.s2(), p.proof());
                } catch (IllegalArgumentException e) {
                    continue; // size1 > size2: not representable
                }
                assertThrows(InvalidProofException.class,
                        () -> MerkleProofs.verifyConsistency(SHA256, cp, p.r1(), p.r2()), v + ": " + p.desc());
            }
        }
    }

    /** TestVerifyInclusion: probes of impossible index/size pairs and empty hashes. */
    @Test
    void inclusionEdgeProbes() {
        long[][] probes = {{0, 0}, {0, 1}, {1, 0}, {2, 1}};
        for (long[] p : probes) {
            InclusionProof ip;
            try {
                ip = new InclusionProof(p[0], p[1], List.of());
            } catch (IllegalArgumentException e) {
                assertTrue(p[0] >= p[1], "only out-of-range probes are refused at construction");
                continue;
            }
            assertThrows(InvalidProofException.class, () -> MerkleProofs.verifyInclusion(SHA256, SOME_HASH, ip, new byte[0]));
            assertThrows(InvalidProofException.class, () -> MerkleProofs.verifyInclusion(SHA256, new byte[0], ip, hex(EMPTY_ROOT)));
            assertThrows(InvalidProofException.class, () -> MerkleProofs.verifyInclusion(SHA256, SOME_HASH, ip, hex(EMPTY_ROOT)));
        }
    }

    /** TestVerifyInclusionSingleEntry. */
    @Test
    void singleEntryInclusion() throws Exception {
        byte[] hash = SHA256.leafHash(utf8("data"));
        InclusionProof p = new InclusionProof(0, 1, List.of());
        MerkleProofs.verifyInclusion(SHA256, hash, p, hash);
        assertThrows(InvalidProofException.class, () -> MerkleProofs.verifyInclusion(SHA256, new byte[0], p, hash));
        assertThrows(InvalidProofException.class, () -> MerkleProofs.verifyInclusion(SHA256, hash, p, new byte[0]));
        assertThrows(InvalidProofException.class, () -> MerkleProofs.verifyInclusion(SHA256, new byte[0], p, new byte[0]));
    }

    /**
     * TestVerifyConsistency's table. The Go verifier compares roots of any length for trivial
     * proofs; ours requires hash-length roots, so the "always consistent" rows use 32-byte stand-ins
     * for "don't care 1" / "don't care 2" (and the 12-byte originals must fail as malformed).
     */
    @Test
    void consistencyEdgeTable() throws Exception {
        byte[] dc1 = utf8("don't care 1");
        byte[] dc2 = utf8("don't care 2");
        byte[] root1 = SHA256.leafHash(dc1);
        byte[] root2 = SHA256.leafHash(dc2);
        byte[] empty = hex(EMPTY_ROOT);
        List<byte[]> proof1 = List.of();
        List<byte[]> proof2 = List.of(empty);
        record Row(long s1, long s2, byte[] r1, byte[] r2, List<byte[]> proof, boolean wantErr) {}
        Row[] rows = {
            new Row(0, 0, root1, root2, proof1, true),
            new Row(1, 1, root1, root2, proof1, true),
            new Row(0, 0, root1, root1, proof1, false),
            new Row(0, 1, root1, root2, proof1, false),
            new Row(1, 1, root2, root2, proof1, false),
            new Row(1, 2, root1, root2, proof1, true),
            new Row(0, 0, empty, dc2, proof1, true),
            new Row(1, 1, empty, dc2, proof1, true),
            new Row(0, 0, empty, empty, proof2, true),
            new Row(0, 1, empty, empty, proof2, true),
            new Row(1, 1, empty, empty, proof2, true),
            // the originals with 12-byte "roots": malformed here
            new Row(0, 0, dc1, dc1, proof1, true),
            new Row(1, 1, dc2, dc2, proof1, true),
        };
        for (Row r : rows) {
            ConsistencyProof p = new ConsistencyProof(r.s1(), r.s2(), r.proof());
            if (r.wantErr()) {
                assertThrows(InvalidProofException.class, () -> MerkleProofs.verifyConsistency(SHA256, p, r.r1(), r.r2()),
                        r.toString());
            } else {
                MerkleProofs.verifyConsistency(SHA256, p, r.r1(), r.r2());
            }
        }
        // "time travel to the past" (1 -> 0, 2 -> 1) cannot be expressed at all
        assertThrows(IllegalArgumentException.class, () -> new ConsistencyProof(1, 0, proof1));
        assertThrows(IllegalArgumentException.class, () -> new ConsistencyProof(2, 1, proof1));
    }

    // ------------------------------------------------------------ proof_test.go, node layout

    /** A node id of proof_test.go: the perfect subtree at {@code level}, {@code index}. */
    record Id(int level, int index) {}

    static Id id(int level, int index) {
        return new Id(level, index);
    }

    /** Expected proof: hashes of the ids, with ids[begin..end) folded into one (later ones on the left). */
    static List<byte[]> expected(MerkleTestSupport.Reference ref, int begin, int end, Id... ids) {
        List<byte[]> hs = new ArrayList<>();
        for (Id i : ids) {
            hs.add(ref.mth(i.index() << i.level(), (i.index() + 1) << i.level()));
        }
        if (end - begin > 1) {
            byte[] h = hs.get(begin);
            for (int i = begin + 1; i < end; i++) {
                h = SHA256.nodeHash(hs.get(i), h);
            }
            List<byte[]> out = new ArrayList<>(hs.subList(0, begin));
            out.add(h);
            out.addAll(hs.subList(end, hs.size()));
            return out;
        }
        return hs;
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file"})
    void nodeLayoutOfProofsInBiggerTrees(String storage) throws Exception {
        List<byte[]> entries = new ArrayList<>();
        for (int i = 0; i < 95; i++) {
            entries.add(utf8("leaf " + i));
        }
        MerkleTestSupport.Reference ref = new MerkleTestSupport.Reference(SHA256, entries);
        try (VineLog log = MerkleTestSupport.openSha256("file".equals(storage) ? tmp.resolve("big") : null,
                Durability.GROUP)) {
            for (byte[] e : entries) {
                log.append(e);
            }
            record In(int size, int index, List<byte[]> want) {}
            In[] inclusion = {
                new In(1, 0, expected(ref, 0, 0)),
                new In(2, 0, expected(ref, 0, 0, id(0, 1))),
                new In(2, 1, expected(ref, 0, 0, id(0, 0))),
                new In(3, 1, expected(ref, 0, 0, id(0, 0), id(0, 2))),
                new In(7, 0, expected(ref, 2, 4, id(0, 1), id(1, 1), id(0, 6), id(1, 2))),
                new In(7, 1, expected(ref, 2, 4, id(0, 0), id(1, 1), id(0, 6), id(1, 2))),
                new In(7, 2, expected(ref, 2, 4, id(0, 3), id(1, 0), id(0, 6), id(1, 2))),
                new In(7, 3, expected(ref, 2, 4, id(0, 2), id(1, 0), id(0, 6), id(1, 2))),
                new In(7, 4, expected(ref, 0, 0, id(0, 5), id(0, 6), id(2, 0))),
                new In(7, 5, expected(ref, 0, 0, id(0, 4), id(0, 6), id(2, 0))),
                new In(7, 6, expected(ref, 0, 0, id(1, 2), id(2, 0))),
                new In(4, 2, expected(ref, 0, 0, id(0, 3), id(1, 0))),
                new In(5, 3, expected(ref, 0, 0, id(0, 2), id(1, 0), id(0, 4))),
                new In(6, 3, expected(ref, 0, 0, id(0, 2), id(1, 0), id(1, 2))),
                new In(6, 4, expected(ref, 0, 0, id(0, 5), id(2, 0))),
                new In(15, 10, expected(ref, 2, 4, id(0, 11), id(1, 4), id(0, 14), id(1, 6), id(3, 0))),
                new In(31, 24, expected(ref, 2, 4, id(0, 25), id(1, 13), id(0, 30), id(1, 14), id(3, 2), id(4, 0))),
                new In(95, 81, expected(ref, 3, 6, id(0, 80), id(1, 41), id(2, 21), id(0, 94), id(1, 46), id(2, 22),
                        id(4, 4), id(6, 0))),
            };
            for (In t : inclusion) {
                InclusionProof p = log.inclusionProof(t.index(), t.size());
                assertEquals(hexList(t.want()), hexList(p.path()), "inclusion " + t.index() + " in " + t.size());
                MerkleProofs.verifyInclusion(SHA256, ref.leafHash(t.index()), p, ref.root(t.size()));
            }
            record Co(int size1, int size2, List<byte[]> want) {}
            Co[] consistency = {
                new Co(1, 2, expected(ref, 0, 0, id(0, 1))),
                new Co(1, 4, expected(ref, 0, 0, id(0, 1), id(1, 1))),
                new Co(1, 6, expected(ref, 0, 0, id(0, 1), id(1, 1), id(1, 2))),
                new Co(2, 3, expected(ref, 0, 0, id(0, 2))),
                new Co(2, 8, expected(ref, 0, 0, id(1, 1), id(2, 1))),
                new Co(3, 7, expected(ref, 3, 5, id(0, 2), id(0, 3), id(1, 0), id(0, 6), id(1, 2))),
                new Co(4, 7, expected(ref, 0, 2, id(0, 6), id(1, 2))),
                new Co(5, 7, expected(ref, 0, 0, id(0, 4), id(0, 5), id(0, 6), id(2, 0))),
                new Co(6, 7, expected(ref, 0, 0, id(1, 2), id(0, 6), id(2, 0))),
                new Co(7, 8, expected(ref, 0, 0, id(0, 6), id(0, 7), id(1, 2), id(2, 0))),
                new Co(1, 1, List.of()),
                new Co(2, 2, List.of()),
                new Co(3, 3, List.of()),
                new Co(4, 4, List.of()),
                new Co(5, 5, List.of()),
                new Co(7, 7, List.of()),
                new Co(8, 8, List.of()),
                new Co(2, 4, expected(ref, 0, 0, id(1, 1))),
                new Co(3, 5, expected(ref, 0, 0, id(0, 2), id(0, 3), id(1, 0), id(0, 4))),
                new Co(3, 6, expected(ref, 0, 0, id(0, 2), id(0, 3), id(1, 0), id(1, 2))),
                new Co(4, 6, expected(ref, 0, 0, id(1, 2))),
                new Co(1, 7, expected(ref, 2, 4, id(0, 1), id(1, 1), id(0, 6), id(1, 2))),
                new Co(10, 15, expected(ref, 2, 4, id(1, 4), id(1, 5), id(0, 14), id(1, 6), id(3, 0))),
                new Co(24, 31, expected(ref, 1, 4, id(3, 2), id(0, 30), id(1, 14), id(2, 6), id(4, 0))),
                new Co(81, 95, expected(ref, 4, 7, id(0, 80), id(0, 81), id(1, 41), id(2, 21), id(0, 94), id(1, 46),
                        id(2, 22), id(4, 4), id(6, 0))),
            };
            for (Co t : consistency) {
                ConsistencyProof p = log.consistencyProof(t.size1(), t.size2());
                assertEquals(hexList(t.want()), hexList(p.path()), "consistency " + t.size1() + " -> " + t.size2());
                MerkleProofs.verifyConsistency(SHA256, p, ref.root(t.size1()), ref.root(t.size2()));
            }
            // the error rows of TestInclusion / TestConsistency
            assertThrows(IllegalArgumentException.class, () -> log.inclusionProof(0, 0));
            assertThrows(IllegalArgumentException.class, () -> log.inclusionProof(2, 1));
            assertThrows(IllegalArgumentException.class, () -> log.inclusionProof(8, 7));
            assertThrows(IllegalArgumentException.class, () -> log.consistencyProof(5, 0));
            assertThrows(IllegalArgumentException.class, () -> log.consistencyProof(9, 8));
            assertThrows(IllegalArgumentException.class, () -> log.consistencyProof(1, 96));
        }
    }

    private static List<byte[]> with(List<byte[]> proof, int at, byte[] extra) {
        List<byte[]> l = new ArrayList<>(proof);
        l.add(at, extra);
        return l;
    }

    private static List<byte[]> copy(List<byte[]> proof) {
        List<byte[]> l = new ArrayList<>();
        for (byte[] b : proof) {
            l.add(b.clone());
        }
        return l;
    }
}
