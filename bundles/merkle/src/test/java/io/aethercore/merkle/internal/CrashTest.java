package io.aethercore.merkle.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.aethercore.api.merkle.ConsistencyProof;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.formats.merkle.MerkleProofs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code kill -9}: {@link CrashWriter} appends from four threads in another JVM and is killed
 * at a random moment; every append it acknowledged must then be in the log, at its index, and the
 * log must be a valid RFC 6962 tree of what it holds. Runs alternate SYNC and GROUP durability on one
 * directory that keeps growing (so recovery runs on a bigger log each time), plus a few fresh
 * directories.
 */
class CrashTest {

    static final MerkleHasher SHA256 = MerkleHasher.sha256();
    static final int ACCUMULATING_RUNS = 30; // 15 per durability mode
    static final int FRESH_RUNS = 4;
    /** Runs in fresh directories: two GROUP (odd), two SYNC (even); the other 30 share one directory. */
    static final Set<Integer> FRESH_AT = Set.of(3, 10, 19, 26);
    static final Pattern ACK = Pattern.compile("ack (\\d+) (r\\d+-[SG]-thread-(\\d)-seq-(\\d+))");
    static final Pattern WRITER_ENTRY = Pattern.compile("(r\\d+-[SG])-thread-(\\d)-seq-(\\d+)");

    @TempDir
    Path tmp;

    /** What the test knows about one log directory between runs: its verified entries and root. */
    static final class Known {
        final List<byte[]> entries = new ArrayList<>();
        final MerkleTestSupport.Reference ref = new MerkleTestSupport.Reference(SHA256);
        int runs;
    }

    record Run(String tag, Map<Long, String> acks, long openedAt, int killDelayMillis, String stderr) {}

    @Test
    void killedWritersNeverLoseAcknowledgedAppends() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Path shared = tmp.resolve("shared");
        Known sharedKnown = new Known();
        int fresh = 0;
        long t0 = System.nanoTime();
        int total = 0;
        for (int i = 0; i < ACCUMULATING_RUNS + FRESH_RUNS; i++) {
            Durability d = i % 2 == 0 ? Durability.SYNC : Durability.GROUP;
            boolean isFresh = FRESH_AT.contains(i);
            Path dir = isFresh ? tmp.resolve("fresh-" + fresh++) : shared;
            Known known = isFresh ? new Known() : sharedKnown;
            String tag = "r" + i + "-" + d.name().charAt(0);
            String context = "run " + tag + " in " + dir.getFileName() + " (seed " + seed + ")";
            Run run = crash(dir, d, tag, 50 + rnd.nextInt(351), context);
            verify(dir, known, run, rnd, context);
            total += run.acks().size();
        }
        System.out.printf("CrashTest: %d runs, %d acknowledged appends, final shared log of %d entries, %d ms%n",
                ACCUMULATING_RUNS + FRESH_RUNS, total, sharedKnown.entries.size(), (System.nanoTime() - t0) / 1_000_000);
    }

    /** Starts a writer, kills it {@code killDelay} ms after its first acknowledgement, returns what it acknowledged. */
    Run crash(Path dir, Durability d, String tag, int killDelay, String context) throws Exception {
        Path stderr = tmp.resolve(tag + ".stderr");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(), dir.toString(), d.name(), tag);
        pb.redirectError(stderr.toFile());
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CountDownLatch firstAck = new CountDownLatch(1);
        Thread reader = new Thread(() -> drain(p.getInputStream(), out, firstAck), "crash-reader");
        reader.start();
        try {
            if (!firstAck.await(30, TimeUnit.SECONDS)) {
                fail(context + ": the writer acknowledged nothing; stderr:\n" + Files.readString(stderr));
            }
            Thread.sleep(killDelay);
            assertTrue(p.isAlive(), () -> context + ": the writer died on its own; stderr:\n" + read(stderr));
        } finally {
            p.destroyForcibly(); // SIGKILL on Linux
            p.waitFor(30, TimeUnit.SECONDS);
            reader.join(30_000);
        }
        byte[] bytes;
        synchronized (out) {
            bytes = out.toByteArray();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n'); // a line cut by the kill is not an acknowledgement
        Map<Long, String> acks = new HashMap<>();
        long openedAt = -1;
        for (String line : text.substring(0, end + 1).split("\n")) {
            if (line.startsWith("open ")) {
                openedAt = Long.parseLong(line.substring(5));
                continue;
            }
            Matcher m = ACK.matcher(line);
            assertTrue(m.matches(), () -> context + ": unexpected output line '" + line + "'");
            String prior = acks.put(Long.parseLong(m.group(1)), m.group(2));
            assertNull(prior, () -> context + ": index " + m.group(1) + " acknowledged twice");
        }
        assertTrue(openedAt >= 0, context + ": no 'open' line");
        return new Run(tag, acks, openedAt, killDelay, read(stderr));
    }

    private static void drain(InputStream in, ByteArrayOutputStream out, CountDownLatch firstAck) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (out) {
                    out.write(buf, 0, n);
                    if (firstAck.getCount() > 0 && out.toString(StandardCharsets.UTF_8).contains("\nack ")) {
                        firstAck.countDown();
                    }
                }
            }
        } catch (IOException e) {
            // the pipe closes when the process dies
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    void verify(Path dir, Known known, Run run, Random rnd, String context) throws Exception {
        int before = known.entries.size();
        assertEquals(before, run.openedAt(), context + ": the writer opened a log of another size");
        long maxAck = run.acks().keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
        List<byte[]> entries = new ArrayList<>();
        try (VineLog log = VineLog.open(CrashWriter.settings(dir, Durability.SYNC), () -> MerkleTestSupport.BC)) {
            long size = log.size();
            assertTrue(size >= maxAck + 1, context + ": size " + size + " but index " + maxAck + " was acknowledged");
            assertEquals(size, log.durableSize());
            // every acknowledged index holds exactly its entry
            for (Map.Entry<Long, String> a : run.acks().entrySet()) {
                assertEquals(a.getValue(), new String(log.entry(a.getKey()), StandardCharsets.UTF_8),
                        context + ": entry " + a.getKey());
            }
            // entries of earlier runs are untouched; the new ones are this run's, each thread's in order, no gaps
            Map<Integer, Long> nextSeq = new HashMap<>();
            Set<String> seen = new HashSet<>();
            for (long i = 0; i < size; i++) {
                byte[] e = log.entry(i);
                entries.add(e);
                if (i < before) {
                    assertArrayEquals(known.entries.get((int) i), e, context + ": old entry " + i + " changed");
                    continue;
                }
                String s = new String(e, StandardCharsets.UTF_8);
                Matcher m = WRITER_ENTRY.matcher(s);
                assertTrue(m.matches() && m.group(1).equals(run.tag()), context + ": foreign entry " + i + ": " + s);
                assertTrue(seen.add(s), context + ": entry " + s + " twice");
                int thread = Integer.parseInt(m.group(2));
                long seq = Long.parseLong(m.group(3));
                assertEquals(nextSeq.getOrDefault(thread, 0L), seq, context + ": thread " + thread + " at index " + i);
                nextSeq.put(thread, seq + 1);
            }
            // the root is the reference root of what the log holds
            MerkleTestSupport.Reference ref = known.ref;
            for (int i = before; i < size; i++) {
                ref.add(entries.get(i));
            }
            byte[] root = log.root();
            assertArrayEquals(ref.root((int) size), root, context + ": root of " + size + " entries");
            // every entry's inclusion proof verifies
            for (int i = 0; i < size; i++) {
                MerkleProofs.verifyInclusion(SHA256, ref.leafHash(i), log.inclusionProof(i, size), root);
            }
            // and the tree before this run is a prefix of this one
            ConsistencyProof c = log.consistencyProof(before, size);
            MerkleProofs.verifyConsistency(SHA256, c, ref.root(before), root);

            // appends go on after recovery
            for (int k = 0; k < 10; k++) {
                byte[] e = MerkleTestSupport.utf8("after-" + run.tag() + "-" + k);
                assertEquals(size + k, log.append(e, k % 2 == 0 ? Durability.SYNC : Durability.ASYNC));
                entries.add(e);
                ref.add(e);
            }
            assertArrayEquals(ref.root(entries.size()), log.root());
        }
        try (VineLog log = VineLog.open(CrashWriter.settings(dir, Durability.GROUP), () -> MerkleTestSupport.BC)) {
            assertEquals(entries.size(), log.size(), context + ": size after a clean close");
            assertArrayEquals(known.ref.root(entries.size()), log.root(), context + ": root after a clean close");
        }
        known.entries.clear();
        known.entries.addAll(entries);
        known.runs++;
    }
}
