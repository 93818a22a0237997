package io.aethercore.benchmarks;

import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.merkle.internal.VineLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Builds (or reuses) the cached file-backed logs, then measures on the largest one: disk bytes per
 * million leaves, heap with the log open, open (start-up) time warm and cold, and the heap of a log
 * held in memory per million leaves.
 *
 * <p>Usage: {@code MerkleStartup [leaves ...]} (default 1000000 10000000). Directory: {@code
 * $MERKLE_DATA} or /tmp/aethercore-merkle-bench. Cold opens drop the page cache ({@code sync; echo
 * 3 > /proc/sys/vm/drop_caches}) when that file is writable (root), and are skipped otherwise.
 * Prints a readable report and {@code RESULT key=value} lines for run-merkle-benchmarks.sh.
 */
public final class MerkleStartup {

    public static void main(String[] args) throws Exception {
        List<Long> sizes = new ArrayList<>();
        for (String a : args) {
            sizes.add(Long.parseLong(a));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(1_000_000L, 10_000_000L);
        }
        Path data = MerkleSupport.dataDir();
        Files.createDirectories(data);
        boolean canDrop = Files.isWritable(Path.of("/proc/sys/vm/drop_caches")) && dropCaches();

        // ------------------------------------------------ datasets and disk
        for (long n : sizes) {
            Path dir = MerkleSupport.ensureDataset(data, n, true);
            long e = MerkleSupport.fileSize(dir.resolve("entries.dat"));
            long x = MerkleSupport.fileSize(dir.resolve("entries.idx"));
            long nd = MerkleSupport.fileSize(dir.resolve("nodes.dat"));
            long m = MerkleSupport.fileSize(dir.resolve("commit.mark"));
            double per = n / 1e6;
            System.out.printf(Locale.ROOT, "disk, %,d leaves of %d bytes: entries.dat %.1f MB, entries.idx %.1f MB,"
                    + " nodes.dat %.1f MB, commit.mark %d B; total %.1f MB = %.1f MB per million leaves%n", n,
                    MerkleSupport.ENTRY_BYTES, e / 1e6, x / 1e6, nd / 1e6, m, (e + x + nd + m) / 1e6,
                    (e + x + nd + m) / 1e6 / per);
            result("disk_" + n + "_total_mb", (e + x + nd + m) / 1e6);
            result("disk_" + n + "_per_million_mb", (e + x + nd + m) / 1e6 / per);
            result("disk_" + n + "_entries_per_million_mb", e / 1e6 / per);
            result("disk_" + n + "_index_per_million_mb", x / 1e6 / per);
            result("disk_" + n + "_nodes_per_million_mb", nd / 1e6 / per);
        }
        long big = sizes.get(sizes.size() - 1);
        Path bigDir = MerkleSupport.datasetDir(data, big);
        MerkleSupport.provider("native"); // load the native library before any timing

        // ------------------------------------------------ start-up
        if (canDrop) {
            dropCaches();
        }
        double first = timeOpen(bigDir, big);
        System.out.printf(Locale.ROOT, "open %,d leaves, first open in this JVM (class loading included)%s: %.1f ms%n",
                big, canDrop ? ", page cache dropped" : "", first);
        result("open_first_ms", first);
        result("open_first_cold", canDrop ? 1 : 0);
        double[] warm = new double[5];
        for (int i = 0; i < warm.length; i++) {
            warm[i] = timeOpen(bigDir, big);
        }
        System.out.printf(Locale.ROOT, "open %,d leaves, warm (page cache hot, JVM warm), 5 runs: %s ms; median %.2f ms%n",
                big, fmt(warm), median(warm));
        result("open_warm_median_ms", median(warm));
        result("open_warm_max_ms", Arrays.stream(warm).max().orElse(-1));
        if (canDrop) {
            double[] cold = new double[3];
            for (int i = 0; i < cold.length; i++) {
                dropCaches();
                cold[i] = timeOpen(bigDir, big);
            }
            System.out.printf(Locale.ROOT, "open %,d leaves, cold (page cache dropped before each, JVM warm), 3 runs:"
                    + " %s ms; median %.2f ms%n", big, fmt(cold), median(cold));
            result("open_cold_median_ms", median(cold));
            result("open_cold_max_ms", Arrays.stream(cold).max().orElse(-1));
        } else {
            System.out.println("open, cold: skipped (/proc/sys/vm/drop_caches is not writable here)");
        }

        // ------------------------------------------------ heap, file-backed
        long before = MerkleSupport.usedHeapAfterGc();
        VineLog log = MerkleSupport.openDataset(bigDir, "native", Durability.GROUP, 2);
        long opened = MerkleSupport.usedHeapAfterGc();
        SplittableRandom rnd = new SplittableRandom(7);
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += log.inclusionProof(rnd.nextLong(big), big).path().size();
            sink += log.consistencyProof(1 + rnd.nextLong(big - 1), big).path().size();
        }
        long afterProofs = MerkleSupport.usedHeapAfterGc();
        log.close();
        System.out.printf(Locale.ROOT, "heap, file-backed log of %,d leaves: %+.1f KB after open, %+.1f KB after 20,000"
                + " inclusion + 20,000 consistency proofs (used heap after GC, relative to before open; nodes.dat"
                + " and entries.idx are memory-mapped: page cache, not heap) [%d]%n", big,
                (opened - before) / 1e3, (afterProofs - before) / 1e3, sink & 1);
        result("heap_file_open_kb", (opened - before) / 1e3);
        result("heap_file_after_proofs_kb", (afterProofs - before) / 1e3);

        // ------------------------------------------------ heap, in memory
        long mBefore = MerkleSupport.usedHeapAfterGc();
        VineLog mem = MerkleSupport.memoryLog("native");
        byte[] e = MerkleSupport.entryBuffer(MerkleSupport.ENTRY_BYTES);
        int memLeaves = 1_000_000;
        for (int i = 0; i < memLeaves; i++) {
            MerkleSupport.fillEntry(e, i);
            mem.append(e);
        }
        long mAfter = MerkleSupport.usedHeapAfterGc();
        System.out.printf(Locale.ROOT, "heap, log in memory (MemoryStorage), %,d leaves of %d bytes: %.1f MB per million"
                + " leaves (%d)%n", memLeaves, MerkleSupport.ENTRY_BYTES, (mAfter - mBefore) / 1e6, mem.size());
        result("heap_memory_per_million_mb", (mAfter - mBefore) / 1e6 / (memLeaves / 1e6));
        mem.close();
    }

    private static double timeOpen(Path dir, long expected) throws MerkleLogException {
        long t0 = System.nanoTime();
        VineLog log = MerkleSupport.openDataset(dir, "native", Durability.GROUP, 2);
        long t1 = System.nanoTime();
        long n = log.size();
        log.close();
        if (n != expected) {
            throw new IllegalStateException(dir + " holds " + n + " entries, expected " + expected);
        }
        return (t1 - t0) / 1e6;
    }

    /** sync; echo 3 > /proc/sys/vm/drop_caches. False when not permitted. */
    static boolean dropCaches() {
        try {
            Process p = new ProcessBuilder("sh", "-c", "sync && echo 3 > /proc/sys/vm/drop_caches")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", d));
        }
        return sb.toString();
    }

    static void result(String key, double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            System.out.printf(Locale.ROOT, "RESULT %s=%d%n", key, (long) value);
        } else {
            System.out.printf(Locale.ROOT, "RESULT %s=%.2f%n", key, value);
        }
    }

    private MerkleStartup() {}
}
