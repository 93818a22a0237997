package io.aethercore.benchmarks;

import io.aethercore.api.crypto.Hasher;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.merkle.internal.VineLog;
import java.util.Locale;
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
 * Append latency of a Merkle log held in memory ({@code VineLog} over {@code MemoryStorage}), per
 * hash provider and entry size: hashing the leaf, merging it into the frontier (on average one node
 * hash) and copying the entry and the new nodes into the heap. No I/O, no root computation.
 *
 * <p>The log keeps growing across invocations and iterations (millions of entries). So that the
 * heap stays bounded it is replaced by an empty one at an iteration boundary once it holds about
 * 1.2 GB of entries and nodes ({@code MemoryStorage} keeps every entry and every node hash on the
 * heap: about {@code entry + 16} bytes per entry plus 64 bytes of nodes per leaf). The fork runs
 * with a fixed 4 GiB heap. {@code hashFloor} measures the two hashes an append costs on average,
 * alone, for comparison. Provider {@code native-exact} is an experiment ({@link ExactArrayHashing}):
 * native BLAKE3 with small sub-ranges copied into exact arrays before they reach the provider.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class MerkleAppendBench {

    @Param({"native", "native-exact", "bc-blake3", "bc-sha256"})
    public String provider;

    @Param({"64", "1024"})
    public int entrySize;

    private VineLog log;
    private Hasher hasher;
    private byte[] leafBuf;
    private final byte[] nodeBuf = new byte[65];
    private byte[] entry;
    private long counter;
    private long maxLeaves;
    private long largest;
    private int replaced;

    @Setup(Level.Trial)
    public void setUp() throws MerkleLogException {
        entry = MerkleSupport.entryBuffer(entrySize);
        maxLeaves = (long) (1.2e9 / (entrySize + 16 + 4 + 64));
        log = MerkleSupport.memoryLog(provider);
        hasher = MerkleSupport.provider(provider).newHasher(MerkleSupport.algorithm(provider));
        leafBuf = new byte[entrySize + 1];
    }

    @Setup(Level.Iteration)
    public void bound() throws MerkleLogException {
        if (log.size() > maxLeaves) {
            largest = Math.max(largest, log.size());
            log.close();
            log = MerkleSupport.memoryLog(provider);
            replaced++;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws MerkleLogException {
        largest = Math.max(largest, log.size());
        Runtime r = Runtime.getRuntime();
        if (largest > 0) {
            System.out.printf(Locale.ROOT, "%nMERKLE-INFO memory-append provider=%s entry=%d largest_log=%d replaced=%d"
                    + " heap_used_mb=%d%n", provider, entrySize, largest, replaced,
                    (r.totalMemory() - r.freeMemory()) >> 20);
        }
        log.close();
    }

    @Benchmark
    public long append() throws MerkleLogException {
        MerkleSupport.fillEntry(entry, counter++);
        return log.append(entry);
    }

    /**
     * The hashing floor of an append, for comparison: one leaf hash and one node hash (the average
     * per append) through one reused {@link Hasher} of the same provider, nothing else.
     */
    @Benchmark
    public byte[] hashFloor() {
        MerkleSupport.fillEntry(entry, counter++);
        leafBuf[0] = 0;
        System.arraycopy(entry, 0, leafBuf, 1, entry.length);
        byte[] leaf = hasher.update(leafBuf, 0, leafBuf.length).digest();
        nodeBuf[0] = 1;
        System.arraycopy(leaf, 0, nodeBuf, 1, 32);
        System.arraycopy(leaf, 0, nodeBuf, 33, 32);
        return hasher.update(nodeBuf, 0, 65).digest();
    }
}
