package io.aethercore.merkle.internal;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.crypto.internal.BcHashing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Shared pieces of the Merkle tests: a naive RFC 6962 reference and log set-up helpers. */
final class MerkleTestSupport {

    static final HashService BC = new BcHashing();
    static final int MAX_ENTRY = 1 << 20;

    private MerkleTestSupport() {}

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static VineLog.Settings settings(String name, HashAlgorithm alg, Path dir, Durability durability, long groupMillis) {
        return new VineLog.Settings(name, "test.aethercore/" + name, alg, dir, durability, groupMillis, MAX_ENTRY);
    }

    static VineLog open(String name, HashAlgorithm alg, Path dir, Durability durability) throws MerkleLogException {
        return VineLog.open(settings(name, alg, dir, durability, 2), () -> BC);
    }

    static VineLog openSha256(Path dir, Durability durability) throws MerkleLogException {
        return open("log", HashAlgorithm.SHA_256, dir, durability);
    }

    /**
     * RFC 6962 section 2.1, word for word: MTH, PATH and PROOF/SUBPROOF over a list of leaf hashes
     * (MTH of one leaf is its leaf hash). Recursive on purpose; memoises subtree hashes only.
     */
    static final class Reference {
        private final MerkleHasher h;
        private final List<byte[]> leaves = new ArrayList<>();
        private final Map<Long, byte[]> memo = new HashMap<>();

        Reference(MerkleHasher h) {
            this.h = h;
        }

        Reference(MerkleHasher h, List<byte[]> entries) {
            this(h);
            for (byte[] e : entries) {
                add(e);
            }
        }

        void add(byte[] entry) {
            leaves.add(h.leafHash(entry));
        }

        int size() {
            return leaves.size();
        }

        byte[] leafHash(int i) {
            return leaves.get(i).clone();
        }

        /** The largest power of two smaller than n (n > 1). */
        static int k(int n) {
            int k = 1;
            while (k << 1 < n) {
                k <<= 1;
            }
            return k;
        }

        /** MTH(D[from:to]). */
        byte[] mth(int from, int to) {
            int n = to - from;
            if (n == 0) {
                return h.emptyRoot();
            }
            if (n == 1) {
                return leaves.get(from);
            }
            long key = ((long) from << 32) | to;
            byte[] cached = memo.get(key);
            if (cached != null) {
                return cached;
            }
            int k = k(n);
            byte[] r = h.nodeHash(mth(from, from + k), mth(from + k, to));
            memo.put(key, r);
            return r;
        }

        byte[] root(int n) {
            return mth(0, n);
        }

        /** PATH(m, D[0:n]). */
        List<byte[]> path(int m, int n) {
            return path(m, 0, n);
        }

        private List<byte[]> path(int m, int from, int to) {
            int n = to - from;
            List<byte[]> out = new ArrayList<>();
            if (n == 1) {
                return out;
            }
            int k = k(n);
            if (m < k) {
                out.addAll(path(m, from, from + k));
                out.add(mth(from + k, to));
            } else {
                out.addAll(path(m - k, from + k, to));
                out.add(mth(from, from + k));
            }
            return out;
        }

        /** PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true), 0 < m <= n; empty for m == n or m == 0. */
        List<byte[]> proof(int m, int n) {
            if (m == 0 || m == n) {
                return new ArrayList<>();
            }
            return subproof(m, 0, n, true);
        }

        private List<byte[]> subproof(int m, int from, int to, boolean b) {
            int n = to - from;
            List<byte[]> out = new ArrayList<>();
            if (m == n) {
                if (!b) {
                    out.add(mth(from, to));
                }
                return out;
            }
            int k = k(n);
            if (m <= k) {
                out.addAll(subproof(m, from, from + k, b));
                out.add(mth(from + k, to));
            } else {
                out.addAll(subproof(m - k, from + k, to, false));
                out.add(mth(from, from + k));
            }
            return out;
        }
    }

    /** The reference root of a list of entries. */
    static byte[] referenceRoot(MerkleHasher h, List<byte[]> entries) {
        return new Reference(h, entries).root(entries.size());
    }

    static boolean sameHashes(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    static String hexList(List<byte[]> l) {
        StringBuilder sb = new StringBuilder("[");
        for (byte[] b : l) {
            sb.append(sb.length() == 1 ? "" : ", ").append(hex(b));
        }
        return sb.append(']').toString();
    }
}
