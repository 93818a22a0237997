package io.aethercore.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.AuditVerification;
import io.aethercore.api.audit.IntegrityReport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code kill -9}: {@link CrashWriter} records from five threads in another JVM and is killed at
 * a random moment; every record it was given a receipt for must then be in the log, at its index,
 * with a valid signature and proof, and the whole log must pass the integrity check. One directory
 * accumulates over the trials. Trials: system property {@code audit.crash.trials} (the build runs 5;
 * {@code -Daudit.crash.trials=100} for the full run).
 */
class CrashTest {

    @TempDir
    Path tmp;

    @Test
    void killedWritersNeverLoseAcknowledgedRecords() throws Exception {
        int trials = Integer.getInteger("audit.crash.trials", 5);
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Path dir = tmp.resolve("node");
        try (AuditFixture f = new AuditFixture(dir, 64 << 10)) {
            // the key exists before the first child starts
        }
        long acked = 0;
        long maxLost = 0;
        for (int trial = 0; trial < trials; trial++) {
            String context = "trial " + trial + " (seed " + seed + ")";
            Map<Long, String> acks = crash(dir, "t" + trial, 150 + rnd.nextInt(600), context);
            acked += acks.size();
            try (AuditFixture f = new AuditFixture(dir, 64 << 10)) {
                for (Map.Entry<Long, String> a : acks.entrySet()) {
                    AuditRecord r = f.engine.get(a.getValue()).orElse(null);
                    if (r == null) {
                        fail(context + ": acknowledged record " + a.getValue() + " at " + a.getKey() + " is lost");
                    }
                    assertEquals(a.getKey().longValue(), r.leafIndex(), context);
                }
                int checked = 0;
                for (String id : acks.values()) {
                    if (checked++ % 17 == 0) {
                        AuditVerification v = f.engine.verify(id);
                        assertTrue(v.ok(), context + ": " + v.summary());
                    }
                }
                // the full check re-verifies every signature of the growing log: every trial at first, then
                // every tenth and the last, so that 100 trials stay within minutes
                if (trial < 5 || trial % 10 == 9 || trial == trials - 1) {
                    IntegrityReport rep = f.engine.checkIntegrity();
                    assertTrue(rep.ok(), context + ": " + rep.summary());
                }
                long maxAck = acks.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
                maxLost = Math.max(maxLost, f.engine.size() - 1 - maxAck);
            }
        }
        System.out.printf("audit crash test: %d trials, %d acknowledged records, none lost; at most %d unacknowledged"
                + " records found durable after a kill (seed %d)%n", trials, acked, maxLost, seed);
        assertTrue(acked > 0, "the writer acknowledged nothing");
    }

    private Map<Long, String> crash(Path dir, String tag, int killAfterMillis, String context) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path stderr = Files.createTempFile(tmp, "child", ".err");
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(), dir.toString(), tag);
        pb.redirectError(stderr.toFile());
        Process p = pb.start();
        Map<Long, String> acks = new LinkedHashMap<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("ack ")) {
                        String[] parts = line.split(" ");
                        if (parts.length == 3 && parts[2].length() == 36) { // a line cut by the kill is not an ack
                            synchronized (acks) {
                                acks.put(Long.parseLong(parts[1]), parts[2]);
                            }
                        }
                    } else if (line.startsWith("error ")) {
                        synchronized (acks) {
                            acks.put(-1L, line);
                        }
                    }
                }
            } catch (Exception ignored) {
                // the pipe closes at the kill
            }
        });
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            synchronized (acks) {
                if (acks.size() > 0) {
                    break;
                }
            }
            if (!p.isAlive()) {
                fail(context + ": the writer died: " + Files.readString(stderr));
            }
            Thread.sleep(5);
        }
        Thread.sleep(killAfterMillis);
        p.destroyForcibly(); // SIGKILL on Linux
        p.waitFor(30, TimeUnit.SECONDS);
        reader.join(30_000);
        synchronized (acks) {
            if (acks.containsKey(-1L)) {
                fail(context + ": the writer failed before the kill: " + acks.get(-1L));
            }
            return new LinkedHashMap<>(acks);
        }
    }
}
