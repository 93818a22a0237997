package io.aethercore.benchmarks;

import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.merkle.internal.VineLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Latency of one durable append from a single thread, file-backed log (native BLAKE3, 64-byte
 * entries, group commit window 2 ms), in a fresh directory under {@code $MERKLE_DATA}:
 *
 * <ul>
 *   <li>{@code SYNC}: the committer is woken at once; the append returns after write + fdatasync of
 *       entries.dat, entries.idx and nodes.dat + the commit mark write. This is the cost of a sync.
 *   <li>{@code GROUP}: the sync happens at most 2 ms after the oldest waiting append; alone, every
 *       append waits for the window and then the sync.
 * </ul>
 *
 * Sample mode: the JSON result holds the mean and the percentiles.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MerkleDurableAppendBench {

    @Param({"SYNC", "GROUP"})
    public Durability durability;

    @Param({"2"})
    public long windowMillis;

    private Path dir;
    private VineLog log;
    private byte[] entry;
    private long counter;

    @Setup(Level.Trial)
    public void setUp() throws IOException, MerkleLogException {
        Path data = MerkleSupport.dataDir();
        Files.createDirectories(data);
        dir = Files.createTempDirectory(data, "durable-");
        log = MerkleSupport.openDataset(dir, "native", durability, windowMillis);
        entry = MerkleSupport.entryBuffer(MerkleSupport.ENTRY_BYTES);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, MerkleLogException {
        log.close();
        BenchData.deleteTree(dir);
    }

    @Benchmark
    public long append() throws MerkleLogException {
        MerkleSupport.fillEntry(entry, counter++);
        return log.append(entry, durability);
    }
}
