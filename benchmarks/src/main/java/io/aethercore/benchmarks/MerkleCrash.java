package io.aethercore.benchmarks;

import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.InclusionProof;
import io.aethercore.formats.merkle.MerkleProofs;
import io.aethercore.merkle.internal.VineLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reopen after a crash at 10 M leaves. Works on a copy of the cached 10 M log ({@code
 * crash-<leaves>} in the data directory, made once and reused; it grows by the appends of each
 * round). Each round:
 *
 * <ol>
 *   <li>starts a child JVM ({@code append} mode) that opens the log and appends 64-byte entries in a
 *       loop from T threads with {@code GROUP} durability (window 2 ms), printing the number of
 *       acknowledged entries every 10 ms;
 *   <li>kills it with SIGKILL ~1 s after it reported the log open;
 *   <li>starts a fresh child JVM ({@code reopen} mode) that times {@code VineLog.open} of the crashed
 *       log (recovery), reports the entries replayed after the commit mark and the bytes cut, checks
 *       that every acknowledged entry is there (with an inclusion proof of the last one), and closes.
 * </ol>
 *
 * <p>Then, unless {@code MERKLE_FULL_VERIFY=0}, once more without the commit mark (deleted), the
 * worst case: recovery verifies every entry from the first (CRC, leaf and node hashes).
 *
 * <p>Usage: {@code MerkleCrash run [leaves] [rounds] [killAfterMs] [threads]} (defaults 10000000 5
 * 1000 64). Prints a table and {@code RESULT} lines.
 */
public final class MerkleCrash {

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "run";
        switch (mode) {
            case "run" -> run(args);
            case "append" -> append(Path.of(args[1]), Integer.parseInt(args[2]));
            case "reopen" -> reopen(Path.of(args[1]), Long.parseLong(args[2]), args.length > 3 && args[3].equals("nomark"));
            default -> throw new IllegalArgumentException("mode run, append or reopen");
        }
    }

    // ---------------------------------------------------------------- parent

    private static void run(String[] args) throws Exception {
        long leaves = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        long killAfter = args.length > 3 ? Long.parseLong(args[3]) : 1000;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        Path data = MerkleSupport.dataDir();
        Path source = MerkleSupport.ensureDataset(data, leaves, true);
        Path dir = data.resolve("crash-" + leaves);
        Path marker = dir.resolve(MerkleSupport.MARKER);
        long markNow = Files.exists(marker) ? MerkleSupport.markSize(dir) : -1;
        if (!Files.exists(marker) || markNow < leaves || markNow > leaves + leaves / 10) {
            BenchData.deleteTree(dir);
            Files.createDirectories(dir);
            long t0 = System.nanoTime();
            for (String f : new String[] {"log.properties", "entries.dat", "entries.idx", "nodes.dat", "commit.mark"}) {
                Files.copy(source.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(marker, "copy of " + source + "\n");
            System.out.printf(Locale.ROOT, "copied %s to %s in %.1f s%n", source, dir, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf(Locale.ROOT, "Crash and reopen at %,d leaves: %d rounds, SIGKILL %d ms after the log is open,"
                + " %d appender threads with GROUP durability (2 ms window); recovery timed in a fresh JVM%n",
                leaves, rounds, killAfter, threads);
        System.out.println("| Round | Size at kill (acknowledged) | Commit mark | Replayed | Bytes cut | Reopen (VineLog.open) |"
                + " Fresh JVM, start to log open | All acknowledged entries present |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---|");
        List<Double> opens = new ArrayList<>();
        long replayedMax = 0;
        boolean allOk = true;
        for (int r = 1; r <= rounds; r++) {
            long acked = crashRound(dir, threads, killAfter);
            long t0 = System.nanoTime();
            Map<String, String> res = child("reopen", dir.toString(), Long.toString(acked));
            double wall = (System.nanoTime() - t0) / 1e6;
            double open = Double.parseDouble(res.get("open_ms"));
            double startToOpen = Double.parseDouble(res.get("jvm_uptime_at_open_ms"));
            opens.add(open);
            long replayed = Long.parseLong(res.get("replayed"));
            replayedMax = Math.max(replayedMax, replayed);
            boolean ok = "true".equals(res.get("ok"));
            allOk &= ok;
            System.out.printf(Locale.ROOT, "| %d | %,d (%,d) | %,d | %,d | %,d | %.1f ms | %.0f ms (process total %.0f ms) | %s |%n",
                    r, Long.parseLong(res.get("size")), acked, Long.parseLong(res.get("mark")), replayed,
                    Long.parseLong(res.get("cut_bytes")), open, startToOpen, wall, ok ? "yes" : "NO");
            MerkleStartup.result("crash_round" + r + "_open_ms", open);
            MerkleStartup.result("crash_round" + r + "_replayed", replayed);
            MerkleStartup.result("crash_round" + r + "_jvm_to_open_ms", startToOpen);
        }
        double[] o = opens.stream().mapToDouble(Double::doubleValue).toArray();
        System.out.printf(Locale.ROOT, "reopen after crash: median %.1f ms, max %.1f ms; replayed up to %,d entries; %s%n",
                MerkleStartup.median(o), java.util.Arrays.stream(o).max().orElse(-1), replayedMax,
                allOk ? "every acknowledged append was found" : "ACKNOWLEDGED APPENDS MISSING");
        MerkleStartup.result("crash_open_median_ms", MerkleStartup.median(o));
        MerkleStartup.result("crash_open_max_ms", java.util.Arrays.stream(o).max().orElse(-1));
        MerkleStartup.result("crash_replayed_max", replayedMax);
        MerkleStartup.result("crash_all_ok", allOk ? 1 : 0);

        if (!"0".equals(System.getenv("MERKLE_FULL_VERIFY"))) {
            // worst case: no usable commit mark, so recovery verifies every entry from the start
            Map<String, String> res = child("reopen", dir.toString(), "0", "nomark");
            System.out.printf(Locale.ROOT, "reopen without a commit mark (full verification of %,d entries, fresh JVM):"
                    + " %.0f ms, %s%n", Long.parseLong(res.get("size")), Double.parseDouble(res.get("open_ms")),
                    "true".equals(res.get("ok")) ? "log intact" : "LOG DAMAGED");
            MerkleStartup.result("crash_nomark_open_ms", Double.parseDouble(res.get("open_ms")));
            MerkleStartup.result("crash_nomark_size", Long.parseLong(res.get("size")));
        }
    }

    /** Runs an appending child, kills it with SIGKILL, returns the largest acknowledged size it reported. */
    private static long crashRound(Path dir, int threads, long killAfter) throws Exception {
        Process p = javaProcess("append", dir.toString(), Integer.toString(threads)).start();
        AtomicLong acked = new AtomicLong();
        AtomicLong ready = new AtomicLong(-1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("ACKED ")) {
                        long a = Long.parseLong(line.substring(6).trim());
                        acked.accumulateAndGet(a, Math::max);
                    } else if (line.startsWith("READY ")) {
                        ready.set(Long.parseLong(line.split(" ")[1]));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // the child died mid-line: what was read before counts
            }
        });
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (ready.get() < 0 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (ready.get() < 0) {
            p.destroyForcibly();
            throw new IllegalStateException("the appending child did not open the log");
        }
        Thread.sleep(killAfter);
        p.toHandle().destroyForcibly(); // SIGKILL on Linux
        p.waitFor();
        reader.join();
        return acked.get();
    }

    private static ProcessBuilder javaProcess(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MerkleCrash.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    }

    /** Runs a child to completion and returns its {@code key=value} result line. */
    private static Map<String, String> child(String... args) throws Exception {
        Process p = javaProcess(args).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("child " + String.join(" ", args) + " failed: " + out);
        }
        Map<String, String> m = new HashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("REOPEN ")) {
                for (String kv : line.substring(7).trim().split(" ")) {
                    int eq = kv.indexOf('=');
                    m.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        if (m.isEmpty()) {
            throw new IllegalStateException("child printed no result: " + out);
        }
        return m;
    }

    // ---------------------------------------------------------------- children

    private static void append(Path dir, int threads) throws Exception {
        PrintStream out = System.out;
        VineLog log = MerkleSupport.openDataset(dir, "native", Durability.GROUP, 2);
        out.println("READY " + log.size());
        out.flush();
        AtomicLong acked = new AtomicLong(log.size());
        AtomicLong seq = new AtomicLong(log.size());
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                byte[] e = MerkleSupport.entryBuffer(MerkleSupport.ENTRY_BYTES);
                while (true) {
                    MerkleSupport.fillEntry(e, seq.getAndIncrement());
                    try {
                        long i = log.append(e, Durability.GROUP);
                        acked.accumulateAndGet(i + 1, Math::max);
                    } catch (Exception ex) {
                        ex.printStackTrace();
                        return;
                    }
                }
            }, "appender-" + t);
            th.setDaemon(true);
            th.start();
        }
        while (true) {
            Thread.sleep(10);
            out.println("ACKED " + acked.get());
            out.flush();
        }
    }

    private static void reopen(Path dir, long acked, boolean noMark) throws Exception {
        if (noMark) {
            Files.deleteIfExists(dir.resolve("commit.mark"));
        }
        long mark = Math.max(0, MerkleSupport.markSize(dir));
        long entriesBefore = MerkleSupport.fileSize(dir.resolve("entries.dat"));
        MerkleSupport.provider("native"); // load the native library before timing
        long t0 = System.nanoTime();
        VineLog log = MerkleSupport.openDataset(dir, "native", Durability.GROUP, 2);
        long t1 = System.nanoTime();
        long uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        long size = log.size();
        long entriesAfter = MerkleSupport.fileSize(dir.resolve("entries.dat"));
        boolean ok = size >= acked && log.durableSize() == size;
        if (ok && acked > 0) {
            InclusionProof p = log.inclusionProof(acked - 1, size);
            try {
                MerkleProofs.verifyInclusion(log.hasher(), log.leafHash(acked - 1), p, log.root());
            } catch (Exception e) {
                ok = false;
            }
        }
        log.close();
        System.out.printf(Locale.ROOT, "REOPEN open_ms=%.2f size=%d mark=%d replayed=%d cut_bytes=%d ok=%s"
                + " jvm_uptime_at_open_ms=%d%n", (t1 - t0) / 1e6, size, mark, size - mark, entriesBefore - entriesAfter,
                ok, uptime);
    }

    private MerkleCrash() {}
}
