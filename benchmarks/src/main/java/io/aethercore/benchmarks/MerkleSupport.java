package io.aethercore.benchmarks;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.crypto.blake3.internal.NativeBlake3Hashing;
import io.aethercore.crypto.internal.BcHashing;
import io.aethercore.merkle.internal.VineLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * Shared pieces of the Merkle Vine benchmarks: hash providers by name, entries, the data directory,
 * and the cached file-backed logs of 1 M and 10 M entries that the proof, start-up and crash
 * measurements read.
 *
 * <p>Providers: {@code native} (BLAKE3 through {@link NativeBlake3Hashing}), {@code bc-blake3}
 * (BLAKE3 through {@link BcHashing}, pure Java), {@code bc-sha256} (SHA-256 through {@link
 * BcHashing}); and the experiment {@code native-exact} ({@link ExactArrayHashing}: native BLAKE3 with
 * small sub-ranges copied to exact arrays first).
 */
public final class MerkleSupport {

    /** Entry size of the cached logs and of the default append benchmarks. */
    public static final int ENTRY_BYTES = 64;

    /** Name of the file that marks a cached log as completely built. */
    static final String MARKER = "BENCH-COMPLETE";

    private MerkleSupport() {}

    /** The hash provider named {@code name}; fails when the native library is not usable. */
    public static HashService provider(String name) {
        switch (name) {
            case "native": {
                HashService s = NativeBlake3Hashing.create();
                if (s == null) {
                    throw new IllegalStateException("native BLAKE3 unavailable: " + NativeBlake3Hashing.unavailableReason());
                }
                return s;
            }
            case "native-exact":
                return new ExactArrayHashing(provider("native"));
            case "bc-blake3":
            case "bc":
            case "bc-sha256":
                return new BcHashing();
            default:
                throw new IllegalArgumentException("unknown provider " + name + " (native, native-exact, bc-blake3, bc-sha256)");
        }
    }

    /** The log algorithm a provider name stands for. */
    public static HashAlgorithm algorithm(String name) {
        return name.equals("bc-sha256") ? HashAlgorithm.SHA_256 : HashAlgorithm.BLAKE3;
    }

    /** Settings of a log; {@code dir} null for a log in memory. */
    public static VineLog.Settings settings(String name, HashAlgorithm alg, Path dir, Durability durability,
            long groupCommitMillis) {
        return new VineLog.Settings(name, "bench.aethercore.io/" + name, alg, dir, durability, groupCommitMillis,
                1 << 20);
    }

    /** Opens a log in memory. */
    public static VineLog memoryLog(String provider) throws MerkleLogException {
        HashService s = provider(provider);
        return VineLog.open(settings("mem", algorithm(provider), null, Durability.ASYNC, 2), () -> s);
    }

    /** Writes entry {@code i} into {@code buf}: its index (big-endian) followed by the pattern i % 251. */
    public static void fillEntry(byte[] buf, long i) {
        for (int k = 0; k < 8 && k < buf.length; k++) {
            buf[k] = (byte) (i >>> (56 - 8 * k));
        }
    }

    /** A fresh entry buffer: the pattern of {@link BenchData}, with the index written in by {@link #fillEntry}. */
    public static byte[] entryBuffer(int size) {
        return BenchData.pattern(size);
    }

    /** Where the cached logs and scratch logs live: {@code $MERKLE_DATA}, or /tmp/aethercore-merkle-bench. */
    public static Path dataDir() {
        String env = System.getenv("MERKLE_DATA");
        String prop = System.getProperty("merkle.data");
        String d = prop != null ? prop : env != null && !env.isEmpty() ? env : "/tmp/aethercore-merkle-bench";
        return Paths.get(d).toAbsolutePath();
    }

    /** Directory of the cached log of {@code leaves} entries. */
    public static Path datasetDir(Path data, long leaves) {
        return data.resolve("log-" + leaves);
    }

    /**
     * The cached file-backed log of {@code leaves} 64-byte entries (BLAKE3), built if absent: ASYNC
     * appends through the native provider, then close (which syncs). Returns its directory.
     */
    public static Path ensureDataset(Path data, long leaves, boolean verbose) throws IOException, MerkleLogException {
        Path dir = datasetDir(data, leaves);
        Path marker = dir.resolve(MARKER);
        if (Files.exists(marker)) {
            if (verbose) {
                System.out.printf(Locale.ROOT, "dataset %,d: reusing %s (%s)%n", leaves, dir,
                        Files.readString(marker).trim());
            }
            return dir;
        }
        BenchData.deleteTree(dir);
        Files.createDirectories(dir);
        HashService s = provider("native");
        long t0 = System.nanoTime();
        try (VineLog log = VineLog.open(settings("bench-" + leaves, HashAlgorithm.BLAKE3, dir, Durability.ASYNC, 200),
                () -> s)) {
            byte[] e = entryBuffer(ENTRY_BYTES);
            for (long i = 0; i < leaves; i++) {
                fillEntry(e, i);
                log.append(e, Durability.ASYNC);
                if (verbose && (i + 1) % 1_000_000 == 0) {
                    System.out.printf(Locale.ROOT, "  ... %,d entries, %.1f s%n", i + 1, (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        String info = String.format(Locale.ROOT, "leaves=%d entry=%d algorithm=blake3 built_s=%.1f built_per_s=%.0f",
                leaves, ENTRY_BYTES, secs, leaves / secs);
        Files.writeString(marker, info + "\n");
        if (verbose) {
            System.out.printf(Locale.ROOT, "dataset %,d: built in %.1f s (%,.0f ASYNC appends/s, close included)%n",
                    leaves, secs, leaves / secs);
            System.out.println("RESULT dataset_" + leaves + "_build_s=" + String.format(Locale.ROOT, "%.1f", secs));
            System.out.println("RESULT dataset_" + leaves + "_build_per_s=" + String.format(Locale.ROOT, "%.0f", leaves / secs));
        }
        return dir;
    }

    /** Opens a cached dataset log (recovering it, which after a clean close reads a few nodes). */
    public static VineLog openDataset(Path dir, String provider, Durability durability, long groupCommitMillis)
            throws MerkleLogException {
        HashService s = provider(provider);
        return VineLog.open(settings("bench-" + dir.getFileName(), HashAlgorithm.BLAKE3, dir, durability,
                groupCommitMillis), () -> s);
    }

    /**
     * The size recorded in the commit mark (the valid slot with the highest sequence number), or -1.
     * Same layout as FileStorage: two 32-byte slots {@code [magic][CRC32C][seq][size][nodes]}.
     */
    public static long markSize(Path dir) throws IOException {
        return readMark(dir)[1];
    }

    /** The sequence number of the newest valid commit mark slot: the number of syncs so far, or -1. */
    public static long markSequence(Path dir) throws IOException {
        return readMark(dir)[0];
    }

    private static long[] readMark(Path dir) throws IOException {
        Path p = dir.resolve("commit.mark");
        if (!Files.exists(p)) {
            return new long[] {-1, -1};
        }
        byte[] all = Files.readAllBytes(p);
        long best = -1;
        long bestSeq = -1;
        for (int slot = 0; slot + 32 <= all.length && slot < 64; slot += 32) {
            if (readInt(all, slot) != 0x41564d4b) {
                continue;
            }
            CRC32C c = new CRC32C();
            c.update(all, slot + 8, 24);
            if ((int) c.getValue() != readInt(all, slot + 4)) {
                continue;
            }
            long seq = readLong(all, slot + 8);
            if (seq > bestSeq) {
                bestSeq = seq;
                best = readLong(all, slot + 16);
            }
        }
        return new long[] {bestSeq, best};
    }

    static long fileSize(Path p) {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            return f.length();
        } catch (IOException e) {
            return -1;
        }
    }

    private static int readInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static long readLong(byte[] b, int off) {
        return ((long) readInt(b, off) << 32) | (readInt(b, off + 4) & 0xffffffffL);
    }

    /** Used heap after a few full collections, in bytes. */
    public static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime r = Runtime.getRuntime();
            used = Math.min(used, r.totalMemory() - r.freeMemory());
        }
        return used;
    }
}
