package io.aethercore.benchmarks;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditReceipt;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Durable signed records per second with W writers, each keeping up to D records in flight
 * ({@code recordAsync}), and the latency of each record from submission to its receipt (P50, P99,
 * max). D = 1 is the synchronous writer. Every receipt carries a real per-record signature and an
 * inclusion proof against a signed checkpoint.
 *
 * <pre>java -cp benchmarks.jar io.aethercore.benchmarks.AuditThroughput custody writers depth warmupSeconds seconds</pre>
 *
 * <p>Side by side, in the same process and run: the raw signing rate of the same custody's key with as many
 * threads as writers (a ~300-byte message, the size of a record), measured before and after the audit run, and
 * the ratio of audit records/s to that rate (issue 18: measure, don't assert).
 */
public final class AuditThroughput {

    public static void main(String[] args) throws Exception {
        String custody = args.length > 0 ? args[0] : "software";
        int writers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int depth = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        try (AuditFixtureBench f = new AuditFixtureBench(custody)) {
            signingRate(f, writers, warmup);
            double before = signingRate(f, writers, seconds);
            run(f, writers, depth, warmup, false);
            Result r = run(f, writers, depth, seconds, true);
            double after = signingRate(f, writers, seconds);
            double rate = r.count / r.seconds;
            System.out.printf(Locale.ROOT, "audit custody=%s writers=%d depth=%d: %.0f records/s, p50 %.3f ms, p99 %.3f ms,"
                    + " max %.3f ms (%d records in %.1f s; log size %d)%n", custody, writers, depth, rate,
                    r.p50 / 1e6, r.p99 / 1e6, r.max / 1e6, r.count, r.seconds, f.engine.size());
            System.out.printf(Locale.ROOT, "audit raw-signing custody=%s threads=%d: %.0f signatures/s before, %.0f after;"
                    + " audit/raw = %.2f%n", custody, writers, before, after, rate / ((before + after) / 2));
        }
    }

    record Result(long count, double seconds, double p50, double p99, double max) {}

    /** Signatures per second of the fixture's key with {@code threads} threads signing for {@code seconds}. */
    static double signingRate(AuditFixtureBench f, int threads, int seconds) throws Exception {
        byte[] message = new byte[300];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(message);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long[] counts = new long[threads];
        Throwable[] error = new Throwable[1];
        Thread[] ts = new Thread[threads];
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int id = i;
            ts[i] = new Thread(() -> {
                try {
                    byte[] m = message.clone();
                    long c = 0;
                    while (System.nanoTime() < end) {
                        m[0] = (byte) c;
                        f.custody.sign(f.key, m);
                        c++;
                    }
                    counts[id] = c;
                } catch (Throwable e) {
                    error[0] = e;
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        if (error[0] != null) {
            throw new IllegalStateException(error[0]);
        }
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total / ((System.nanoTime() - t0) / 1e9);
    }

    static Result run(AuditFixtureBench f, int writers, int depth, int seconds, boolean measure) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long[][] lat = new long[writers][];
        int[] counts = new int[writers];
        CountDownLatch done = new CountDownLatch(writers);
        Throwable[] error = new Throwable[1];
        long t0 = System.nanoTime();
        for (int w = 0; w < writers; w++) {
            int id = w;
            Thread t = new Thread(() -> {
                long[] l = new long[1 << 20];
                int c = 0;
                ArrayDeque<long[]> startTimes = new ArrayDeque<>();
                ArrayDeque<CompletableFuture<AuditReceipt>> inFlight = new ArrayDeque<>();
                try {
                    long i = 0;
                    while (System.nanoTime() < end || !inFlight.isEmpty()) {
                        if (System.nanoTime() < end && inFlight.size() < depth) {
                            startTimes.add(new long[] {System.nanoTime()});
                            inFlight.add(f.engine.recordAsync(AuditEvent.of("writer-" + id, "Bench", "n=" + i++)));
                            continue;
                        }
                        inFlight.poll().get();
                        long lt = System.nanoTime() - startTimes.poll()[0];
                        if (c == l.length) {
                            l = Arrays.copyOf(l, l.length * 2);
                        }
                        l[c++] = lt;
                    }
                } catch (Throwable e) {
                    error[0] = e;
                }
                lat[id] = l;
                counts[id] = c;
                done.countDown();
            });
            t.start();
        }
        done.await();
        double secs = (System.nanoTime() - t0) / 1e9;
        if (error[0] != null) {
            throw new IllegalStateException(error[0]);
        }
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[total];
        int p = 0;
        for (int w = 0; w < writers; w++) {
            System.arraycopy(lat[w], 0, all, p, counts[w]);
            p += counts[w];
        }
        Arrays.sort(all);
        return new Result(total, secs, all[(int) (total * 0.50)], all[Math.min(total - 1, (int) (total * 0.99))],
                all[total - 1]);
    }
}
