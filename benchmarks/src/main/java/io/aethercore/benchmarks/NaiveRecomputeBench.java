package io.aethercore.benchmarks;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.Hasher;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.merkle.internal.VineLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reference approach side by side with ours, at a tree of {@code naiveLeaves} leaves, same hash
 * provider, same RFC 6962 hashing (one reused {@link Hasher}, each hash fed in one update, as
 * {@code TreeHasher} does):
 *
 * <ul>
 *   <li>{@code naiveFromLeafHashes}: append the {@code naiveLeaves}-th entry by hashing its leaf, then
 *       recompute the root from all stored leaf hashes (MTH of RFC 6962: {@code naiveLeaves - 1} node
 *       hashes). The entry is then removed again, so every call appends at exactly {@code naiveLeaves}.
 *   <li>{@code naiveFromEntries}: the same, but every leaf hash is recomputed from its entry too
 *       ({@code 2 naiveLeaves - 1} hashes): "recomputes the whole tree on every append" read literally.
 *   <li>{@code vineAppendAndRoot}: our {@code VineLog} in memory: append, then {@code root()} (the
 *       naive variants produce the root on every append, so ours does too). The log is replaced by
 *       an empty one every {@code naiveLeaves} appends, so the tree size stays within
 *       1..{@code naiveLeaves}; that replacement (a 2 MiB node chunk allocated per {@code naiveLeaves} appends) is in the figure.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NaiveRecomputeBench {

    @Param({"1000"})
    public int naiveLeaves;

    @Param({"native", "bc-blake3", "bc-sha256"})
    public String provider;

    private HashService service;
    private HashAlgorithm algorithm;
    private Hasher hasher;
    private final byte[] nodeBuf = new byte[65];
    private byte[] leafBuf;
    private List<byte[]> entries;
    private List<byte[]> leafHashes;
    private byte[] entry;
    private VineLog log;
    private long counter;

    @Setup(Level.Trial)
    public void setUp() throws MerkleLogException {
        service = MerkleSupport.provider(provider);
        algorithm = MerkleSupport.algorithm(provider);
        hasher = service.newHasher(algorithm);
        entry = MerkleSupport.entryBuffer(MerkleSupport.ENTRY_BYTES);
        leafBuf = new byte[MerkleSupport.ENTRY_BYTES + 1];
        entries = new ArrayList<>();
        leafHashes = new ArrayList<>();
        for (int i = 0; i < naiveLeaves - 1; i++) {
            byte[] e = MerkleSupport.entryBuffer(MerkleSupport.ENTRY_BYTES);
            MerkleSupport.fillEntry(e, i);
            entries.add(e);
            leafHashes.add(leaf(e));
        }
        // the naive root and ours must agree
        MerkleSupport.fillEntry(entry, naiveLeaves - 1);
        byte[] naive = naiveFromLeafHashes();
        if (!Arrays.equals(naive, naiveFromEntries())) {
            throw new IllegalStateException("the two naive variants disagree");
        }
        log = MerkleSupport.memoryLog(provider);
        for (int i = 0; i < naiveLeaves; i++) {
            byte[] e = i < naiveLeaves - 1 ? entries.get(i) : entry;
            log.append(e);
        }
        if (!Arrays.equals(naive, log.root())) {
            throw new IllegalStateException("the naive root differs from VineLog's");
        }
        log.close();
        log = MerkleSupport.memoryLog(provider);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws MerkleLogException {
        log.close();
    }

    private byte[] leaf(byte[] e) {
        leafBuf[0] = 0;
        System.arraycopy(e, 0, leafBuf, 1, e.length);
        return hasher.update(leafBuf, 0, e.length + 1).digest();
    }

    private byte[] node(byte[] left, byte[] right) {
        nodeBuf[0] = 1;
        System.arraycopy(left, 0, nodeBuf, 1, 32);
        System.arraycopy(right, 0, nodeBuf, 33, 32);
        return hasher.update(nodeBuf, 0, 65).digest();
    }

    /** MTH(D[start:end]) of RFC 6962 over leaf hashes. */
    private byte[] mth(List<byte[]> hashes, int start, int end) {
        int n = end - start;
        if (n == 1) {
            return hashes.get(start);
        }
        int k = Integer.highestOneBit(n - 1);
        return node(mth(hashes, start, start + k), mth(hashes, start + k, end));
    }

    /** MTH(D[start:end]) of RFC 6962 over entries (leaf hashes recomputed). */
    private byte[] mthEntries(List<byte[]> es, int start, int end) {
        int n = end - start;
        if (n == 1) {
            return leaf(es.get(start));
        }
        int k = Integer.highestOneBit(n - 1);
        return node(mthEntries(es, start, start + k), mthEntries(es, start + k, end));
    }

    @Benchmark
    public byte[] naiveFromLeafHashes() {
        leafHashes.add(leaf(entry));
        byte[] root = mth(leafHashes, 0, leafHashes.size());
        leafHashes.remove(leafHashes.size() - 1);
        return root;
    }

    @Benchmark
    public byte[] naiveFromEntries() {
        entries.add(entry);
        byte[] root = mthEntries(entries, 0, entries.size());
        entries.remove(entries.size() - 1);
        return root;
    }

    @Benchmark
    public byte[] vineAppendAndRoot() throws MerkleLogException {
        if (log.size() == naiveLeaves) {
            log.close();
            log = MerkleSupport.memoryLog(provider);
        }
        MerkleSupport.fillEntry(entry, counter++);
        log.append(entry);
        return log.root();
    }
}
