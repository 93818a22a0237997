package io.aethercore.benchmarks;

import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.merkle.internal.VineLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durable appends per second with group commit, on a fresh file-backed log (native BLAKE3, 64-byte
 * entries) per configuration:
 *
 * <ul>
 *   <li>{@code pipeline N}: one thread calls {@code appendAsync} and keeps at most N futures
 *       outstanding (a semaphore released when a future completes, i.e. when the entry is durable);
 *   <li>{@code threads T}: T threads each call {@code append(entry, GROUP)} in a loop (blocking).
 * </ul>
 *
 * Each configuration runs a warm-up, then counts the appends acknowledged as durable during the
 * measured interval. Usage: {@code MerkleThroughput [warmupSeconds] [measureSeconds] [config ...]}
 * where a config is {@code pipeline:N:windowMs} or {@code threads:T:windowMs}. Prints one line per
 * configuration and {@code RESULT} lines for the report script.
 */
public final class MerkleThroughput {

    public static void main(String[] args) throws Exception {
        double warm = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        double secs = args.length > 1 ? Double.parseDouble(args[1]) : 4;
        List<String> configs = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            configs.add(args[i]);
        }
        if (configs.isEmpty()) {
            configs = List.of("pipeline:1024:2", "pipeline:16384:2", "pipeline:65536:2", "pipeline:65536:5",
                    "threads:8:2", "threads:64:2", "threads:512:2", "threads:512:5");
        }
        Path data = MerkleSupport.dataDir();
        Files.createDirectories(data);
        System.out.printf(Locale.ROOT, "Durable (group commit) appends per second, 64-byte entries, native BLAKE3,"
                + " log directory under %s; %.0f s warm-up, %.0f s measured per configuration%n", data, warm, secs);
        System.out.println("| Configuration | Window | Durable appends/s | Mean append-to-durable latency | Syncs/s |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (String c : configs) {
            String[] p = c.split(":");
            int n = Integer.parseInt(p[1]);
            long window = Long.parseLong(p[2]);
            Path dir = Files.createTempDirectory(data, "throughput-");
            try {
                Result r = p[0].equals("pipeline") ? pipeline(dir, n, window, warm, secs) : threads(dir, n, window, warm, secs);
                String label = p[0].equals("pipeline") ? "appendAsync, 1 thread, up to " + n + " outstanding"
                        : n + " threads, blocking append(GROUP)";
                System.out.printf(Locale.ROOT, "| %s | %d ms | %,.0f | %.2f ms | %.0f |%n", label, window, r.perSecond,
                        r.meanLatencyMs, r.syncsPerSecond);
                String key = p[0] + "_" + n + "_" + window + "ms";
                System.out.printf(Locale.ROOT, "RESULT tput_%s=%.0f%n", key, r.perSecond);
                System.out.printf(Locale.ROOT, "RESULT tput_%s_syncs=%.0f%n", key, r.syncsPerSecond);
                System.out.printf(Locale.ROOT, "RESULT tput_%s_latency_ms=%.2f%n", key, r.meanLatencyMs);
            } finally {
                BenchData.deleteTree(dir);
            }
        }
    }

    private record Result(double perSecond, double syncsPerSecond, double meanLatencyMs) {}

    private static VineLog open(Path dir, long window) throws MerkleLogException {
        return MerkleSupport.openDataset(dir, "native", Durability.GROUP, window);
    }

    private static Result pipeline(Path dir, int outstanding, long window, double warm, double secs) throws Exception {
        try (VineLog log = open(dir, window)) {
            Semaphore permits = new Semaphore(outstanding);
            LongAdder acked = new LongAdder();
            byte[] e = MerkleSupport.entryBuffer(MerkleSupport.ENTRY_BYTES);
            long i = 0;
            long start = System.nanoTime();
            long warmEnd = start + (long) (warm * 1e9);
            long end = warmEnd + (long) (secs * 1e9);
            long ackedAtWarmEnd = -1;
            long seqAtWarmEnd = 0;
            LongAdder latencyNanos = new LongAdder();
            LongAdder latencyCount = new LongAdder();
            AtomicBoolean measuring = new AtomicBoolean();
            while (true) {
                long now = (i & 255) == 0 ? System.nanoTime() : 0;
                if (now != 0) {
                    if (ackedAtWarmEnd < 0 && now >= warmEnd) {
                        ackedAtWarmEnd = acked.sum();
                        seqAtWarmEnd = MerkleSupport.markSequence(dir);
                        warmEnd = now;
                        measuring.set(true);
                    }
                    if (now >= end) {
                        break;
                    }
                }
                permits.acquire();
                MerkleSupport.fillEntry(e, i++);
                long t0 = System.nanoTime();
                log.appendAsync(e).whenComplete((idx, err) -> {
                    if (err == null) {
                        acked.increment();
                        if (measuring.get()) {
                            latencyNanos.add(System.nanoTime() - t0);
                            latencyCount.increment();
                        }
                    } else {
                        err.printStackTrace();
                    }
                    permits.release();
                });
            }
            long measuredEnd = System.nanoTime();
            long ackedAtEnd = acked.sum();
            long syncs = MerkleSupport.markSequence(dir) - seqAtWarmEnd;
            measuring.set(false);
            double t = (measuredEnd - warmEnd) / 1e9;
            return new Result((ackedAtEnd - ackedAtWarmEnd) / t, syncs / t,
                    latencyNanos.sum() / 1e6 / Math.max(1, latencyCount.sum()));
        }
    }

    private static Result threads(Path dir, int threads, long window, double warm, double secs) throws Exception {
        try (VineLog log = open(dir, window)) {
            LongAdder acked = new LongAdder();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong seq = new AtomicLong();
            List<Thread> ts = new ArrayList<>();
            LongAdder latencyNanos = new LongAdder();
            LongAdder latencyCount = new LongAdder();
            AtomicBoolean measuring = new AtomicBoolean();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    byte[] e = MerkleSupport.entryBuffer(MerkleSupport.ENTRY_BYTES);
                    while (!stop.get()) {
                        MerkleSupport.fillEntry(e, seq.getAndIncrement());
                        long t0 = System.nanoTime();
                        try {
                            log.append(e, Durability.GROUP);
                        } catch (MerkleLogException ex) {
                            if (!stop.get()) {
                                ex.printStackTrace();
                            }
                            return;
                        }
                        acked.increment();
                        if (measuring.get()) {
                            latencyNanos.add(System.nanoTime() - t0);
                            latencyCount.increment();
                        }
                    }
                }, "appender-" + t);
                th.setDaemon(true);
                ts.add(th);
            }
            ts.forEach(Thread::start);
            Thread.sleep((long) (warm * 1000));
            long t0 = System.nanoTime();
            long a0 = acked.sum();
            long s0 = MerkleSupport.markSequence(dir);
            measuring.set(true);
            Thread.sleep((long) (secs * 1000));
            measuring.set(false);
            long t1 = System.nanoTime();
            long a1 = acked.sum();
            long s1 = MerkleSupport.markSequence(dir);
            stop.set(true);
            for (Thread th : ts) {
                th.join(10_000);
            }
            double t = (t1 - t0) / 1e9;
            return new Result((a1 - a0) / t, (s1 - s0) / t, latencyNanos.sum() / 1e6 / Math.max(1, latencyCount.sum()));
        }
    }

    private MerkleThroughput() {}
}
