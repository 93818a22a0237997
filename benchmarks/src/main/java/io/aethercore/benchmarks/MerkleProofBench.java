package io.aethercore.benchmarks;

import io.aethercore.api.merkle.ConsistencyProof;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.InclusionProof;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.formats.merkle.MerkleProofs;
import io.aethercore.merkle.internal.VineLog;
import java.nio.file.Path;
import java.util.SplittableRandom;
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
 * Proof generation on the cached file-backed logs of 1 M and 10 M 64-byte entries (BLAKE3; built by
 * {@link MerkleSupport#ensureDataset} if absent, which takes a while for 10 M), through the public
 * {@code MerkleLog} methods:
 *
 * <ul>
 *   <li>{@code inclusion}: random leaf index, tree size = the whole log;
 *   <li>{@code inclusionAtRandomSize}: random tree size, random index below it (right-edge subtrees
 *       of sizes that are not powers of two get hashed, at most log2 n of them);
 *   <li>{@code consistency}: random old size, new size = the whole log;
 *   <li>{@code rootAtRandomSize}: root of a random past size.
 * </ul>
 *
 * <p>Indexes and sizes come from a fixed table of 65,536 seeded random values (no RNG in the timed
 * path). nodes.dat is read through memory maps: after the warm-up its pages are in the page cache
 * (640 MB at 10 M leaves; the machine has 23 GiB), so these are warm-cache figures. The setup checks
 * one proof of each kind with {@link MerkleProofs}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MerkleProofBench {

    @Param({"1000000", "10000000"})
    public long leaves;

    @Param({"native", "bc"})
    public String provider;

    private static final int TABLE = 1 << 16;

    private VineLog log;
    private long n;
    private long[] index;
    private long[] size;
    private long[] indexBelowSize;
    private int k;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path dir = MerkleSupport.ensureDataset(MerkleSupport.dataDir(), leaves, true);
        log = MerkleSupport.openDataset(dir, provider, Durability.GROUP, 2);
        n = log.size();
        if (n != leaves) {
            throw new IllegalStateException("cached log " + dir + " holds " + n + " entries, expected " + leaves
                    + "; delete it to rebuild");
        }
        SplittableRandom rnd = new SplittableRandom(42);
        index = new long[TABLE];
        size = new long[TABLE];
        indexBelowSize = new long[TABLE];
        for (int i = 0; i < TABLE; i++) {
            index[i] = rnd.nextLong(n);
            size[i] = 1 + rnd.nextLong(n - 1); // 1 .. n-1
            indexBelowSize[i] = rnd.nextLong(size[i]);
        }
        MerkleHasher h = log.hasher();
        byte[] root = log.root();
        InclusionProof p = log.inclusionProof(index[0], n);
        MerkleProofs.verifyInclusion(h, log.leafHash(index[0]), p, root);
        ConsistencyProof c = log.consistencyProof(size[0], n);
        MerkleProofs.verifyConsistency(h, c, log.rootAt(size[0]), root);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws MerkleLogException {
        log.close();
    }

    private int next() {
        int i = k;
        k = (i + 1) & (TABLE - 1);
        return i;
    }

    @Benchmark
    public InclusionProof inclusion() throws MerkleLogException {
        return log.inclusionProof(index[next()], n);
    }

    @Benchmark
    public InclusionProof inclusionAtRandomSize() throws MerkleLogException {
        int i = next();
        return log.inclusionProof(indexBelowSize[i], size[i]);
    }

    @Benchmark
    public ConsistencyProof consistency() throws MerkleLogException {
        return log.consistencyProof(size[next()], n);
    }

    @Benchmark
    public byte[] rootAtRandomSize() {
        return log.rootAt(size[next()]);
    }
}
