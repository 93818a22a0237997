package io.aethercore.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import io.aethercore.b4ae.internal.padding.Padme;
import io.aethercore.b4ae.internal.scheduler.GlobalScheduler;
import io.aethercore.b4ae.internal.scheduler.OutboundMessage;
import io.aethercore.b4ae.internal.scheduler.Profile;
import io.aethercore.b4ae.internal.scheduler.SchedulerListener;
import io.aethercore.b4ae.internal.scheduler.SchedulerSettings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntUnaryOperator;

/**
 * B4AE metadata-protection figures that are not micro-benchmarks: queue latency per profile under load,
 * PADME overhead on realistic message sizes, and the CPU the dummy traffic costs per profile. Run by
 * benchmarks/run-b4ae-metadata-benchmarks.sh; prints markdown tables and "RESULT key=value" lines.
 *
 * <pre>
 *   latency LOAD_FRACTION MESSAGES [PROFILES]   real traffic Poisson at LOAD_FRACTION x target_rate, about MESSAGES (>= 10 s)
 *   padding                                        overhead on two message-size distributions
 *   cpu SECONDS                                    idle node (dummies only) per profile, scheduler thread and process CPU
 * </pre>
 */
public final class B4aeMetadataBench {

    private B4aeMetadataBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "latency" -> latency(Double.parseDouble(args[1]), Integer.parseInt(args[2]), args.length > 3 ? args[3] : "");
            case "padding" -> padding();
            case "cpu" -> cpu(Double.parseDouble(args[1]));
            default -> throw new IllegalArgumentException("usage: latency LOAD MESSAGES | padding | cpu SECONDS");
        }
    }

    /** Receives and counts datagrams; real ones carry their submission time. */
    static final class Receiver implements AutoCloseable {
        final DatagramSocket socket;
        final Thread thread;
        volatile boolean running = true;
        final long[] latencies = new long[1 << 20];
        int count;
        final AtomicLong datagrams = new AtomicLong();
        final byte[] key;

        Receiver(byte[] key, boolean decrypt) throws Exception {
            this.key = key;
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.setReceiveBufferSize(4 << 20);
            socket.setSoTimeout(100);
            thread = new Thread(() -> run(decrypt), "b4ae-bench-receiver");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        void run(boolean decrypt) {
            byte[] buf = new byte[65536];
            try {
                javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("ChaCha20-Poly1305");
                javax.crypto.spec.SecretKeySpec k = new javax.crypto.spec.SecretKeySpec(key, "ChaCha20");
                while (running) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    long now = System.nanoTime();
                    datagrams.incrementAndGet();
                    if (!decrypt) {
                        continue;
                    }
                    c.init(javax.crypto.Cipher.DECRYPT_MODE, k, new javax.crypto.spec.IvParameterSpec(buf, 0, 12));
                    byte[] plain = c.doFinal(buf, 12, p.getLength() - 12);
                    ByteBuffer b = ByteBuffer.wrap(plain);
                    if (b.get() == 1) {
                        b.getInt();
                        long enq = b.getLong();
                        synchronized (this) {
                            if (count < latencies.length) {
                                latencies[count++] = now - enq;
                            }
                        }
                    }
                }
            } catch (Exception e) {
                if (running) {
                    throw new IllegalStateException(e);
                }
            }
        }

        synchronized long[] latencies() {
            return Arrays.copyOf(latencies, count);
        }

        @Override
        public void close() throws Exception {
            running = false;
            thread.join(1000);
            socket.close();
        }
    }

    /** 70 % chat-like 40-400 B, 20 % 1-4 KiB, 10 % 4-12 KiB (the mix of the UDP tests). */
    static int mixSize(Random r) {
        double u = r.nextDouble();
        if (u < 0.7) {
            return 40 + r.nextInt(360);
        }
        if (u < 0.9) {
            return 1024 + r.nextInt(3072);
        }
        return 4096 + r.nextInt(8192);
    }

    /** Log-normal, median 600 B, sigma 1.5, 16 B to 1 MiB: a messaging workload with a heavy tail. */
    static int logNormalSize(Random r) {
        double v = Math.exp(Math.log(600) + 1.5 * r.nextGaussian());
        return (int) Math.max(16, Math.min(1 << 20, v));
    }

    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    static void latency(double load, int messages, String only) throws Exception {
        System.out.println("| Profile | target_rate | grid slots/s | bound ms | load msg/s | messages | P50 ms | P99 ms | max ms "
                + "| P99 on the wire ms | breaches | missed slots | document | P99 <= document |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        Padme padme = Padme.defaults();
        IntUnaryOperator sizeOf = len -> padme.applyAsInt(len + B4aeUdpSink.INNER_HEADER);
        for (Profile p : Profile.values()) {
            if (!only.isEmpty() && !only.contains(p.id())) {
                continue;
            }
            SchedulerSettings s = SchedulerSettings.of(p);
            byte[] key = B4aeUdpSink.newKey();
            long[] queue = new long[1 << 20];
            int[] qn = {0};
            SchedulerListener l = new SchedulerListener() {
                @Override
                public void realSent(int paddedSize, long queueNanos, boolean breach) {
                    if (qn[0] < queue.length) {
                        queue[qn[0]++] = queueNanos;
                    }
                }
            };
            try (Receiver rx = new Receiver(key, true)) {
                B4aeUdpSink sink = new B4aeUdpSink(rx.address(), key, padme);
                GlobalScheduler g = new GlobalScheduler(s, sink, l, sizeOf).start();
                double rate = load * p.targetRate();
                double seconds = Math.max(10, messages / rate);
                Random r = new Random(42);
                // warm-up: 2 s of the same load, not counted
                submitPoisson(g, rate, 2, r);
                Thread.sleep(200);
                int skip = qn[0];
                int skipWire = rx.latencies().length;
                int n = submitPoisson(g, rate, seconds, r);
                Thread.sleep(Math.max(200, (long) (4 * p.maxQueueLatencyMs())));
                g.stop();
                sink.close();
                long[] q = Arrays.copyOfRange(queue, skip, qn[0]);
                Arrays.sort(q);
                long[] w = rx.latencies();
                w = Arrays.copyOfRange(w, skipWire, w.length);
                Arrays.sort(w);
                long breaches = Arrays.stream(q).filter(v -> v > (long) (s.maxQueueLatencyMs() * 1e6)).count();
                double p99 = pct(q, 0.99);
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.1f | %.0f | %d | %.3f | %.3f | %.3f | %.3f | %d | %d | ~%s ms | %s |%n",
                        p.id(), p.targetRate(), s.slotRate(), s.maxQueueLatencyMs(), rate, n, pct(q, 0.5), p99,
                        pct(q, 1.0), pct(w, 0.99), breaches, g.stats().missedSlots(), fmt(p.maxQueueLatencyMs()),
                        p99 <= p.maxQueueLatencyMs() ? "met" : "MISSED");
                System.out.printf(Locale.ROOT, "RESULT latency_%s_p99_ms=%.4f%n", p.id(), p99);
            }
        }
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    static int submitPoisson(GlobalScheduler g, double perSecond, double seconds, Random r) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long next = System.nanoTime();
        int n = 0;
        while (true) {
            next += (long) (-Math.log(1 - r.nextDouble()) / perSecond * 1e9);
            if (next > end) {
                return n;
            }
            long wait;
            while ((wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            long now = System.nanoTime();
            byte[] payload = new byte[Math.max(8, mixSize(r))];
            ByteBuffer.wrap(payload).putLong(now);
            g.submit(new OutboundMessage("s" + (n & 7), payload, now));
            n++;
        }
    }

    static void padding() {
        Padme padme = Padme.defaults();
        System.out.println("| Distribution | messages | mean size B | PADME overhead (unclamped), mean | max | "
                + "with buckets 1024..16384, mean | distinct padded sizes | target <= 12 % before clamping |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
        for (String dist : new String[] {"mix", "lognormal"}) {
            Random r = new Random(7);
            int n = 1_000_000;
            long plain = 0;
            long padded = 0;
            long clamped = 0;
            double worst = 0;
            java.util.Set<Long> sizes = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                int len = dist.equals("mix") ? mixSize(r) : logNormalSize(r);
                long inner = len + B4aeUdpSink.INNER_HEADER;
                long p = Padme.padme(inner);
                plain += inner;
                padded += p;
                worst = Math.max(worst, (double) (p - inner) / inner);
                // clamped: split into max-bucket records first (as the core does), each padded
                long rest = inner;
                long c = 0;
                while (rest > padme.maxBucket()) {
                    c += padme.maxBucket();
                    rest -= padme.maxBucket();
                }
                c += padme.applyAsInt((int) rest);
                clamped += c;
                sizes.add(c > padme.maxBucket() ? -1 : c);
            }
            double mean = (double) (padded - plain) / plain;
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.2f %% | %.2f %% | %.1f %% | %d | %s |%n",
                    dist.equals("mix") ? "mix: 70 % 40-400 B, 20 % 1-4 KiB, 10 % 4-12 KiB"
                            : "log-normal, median 600 B, sigma 1.5, 16 B-1 MiB",
                    n, (double) plain / n, 100 * mean, 100 * worst, 100.0 * (clamped - plain) / plain, sizes.size(),
                    worst <= 0.12 ? "met" : "MISSED");
            System.out.printf(Locale.ROOT, "RESULT padding_%s_mean_pct=%.3f%nRESULT padding_%s_max_pct=%.3f%n", dist,
                    100 * mean, dist, 100 * worst);
        }
    }

    static void cpu(double seconds) throws Exception {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Padme padme = Padme.defaults();
        IntUnaryOperator sizeOf = len -> padme.applyAsInt(len + B4aeUdpSink.INNER_HEADER);
        System.out.println("| Profile | grid slots/s | dummies/s | scheduler thread CPU, % of a core | "
                + "process CPU incl. receiver, % of a core | idle process, % of a core | target (balanced < 2 %) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---|");
        // baseline: the process with the receiver only
        double idle;
        byte[] key0 = B4aeUdpSink.newKey();
        try (Receiver rx = new Receiver(key0, false)) {
            Thread.sleep(500);
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            idle = 100.0 * (os.getProcessCpuTime() - c0) / (System.nanoTime() - t0);
        }
        for (Profile p : Profile.values()) {
            SchedulerSettings s = SchedulerSettings.of(p);
            byte[] key = B4aeUdpSink.newKey();
            try (Receiver rx = new Receiver(key, false)) {
                B4aeUdpSink sink = new B4aeUdpSink(rx.address(), key, padme);
                GlobalScheduler g = new GlobalScheduler(s, sink, null, sizeOf).start();
                // a few real messages so dummy sizes follow a realistic size history, then idle
                Random r = new Random(3);
                for (int i = 0; i < 256; i++) {
                    g.submit(new OutboundMessage("s", new byte[mixSize(r)], System.nanoTime()));
                }
                Thread.sleep(2000);
                Thread sched = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("aethercore-b4ae-global-scheduler")).findFirst().orElseThrow();
                long d0 = g.stats().dummiesSent();
                long th0 = threads.getThreadCpuTime(sched.getId());
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                Thread.sleep((long) (seconds * 1000));
                long dt = System.nanoTime() - t0;
                double thread = 100.0 * (threads.getThreadCpuTime(sched.getId()) - th0) / dt;
                double proc = 100.0 * (os.getProcessCpuTime() - c0) / dt;
                double dummies = (g.stats().dummiesSent() - d0) / (dt / 1e9);
                g.stop();
                sink.close();
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.1f | %.2f | %.2f | %.2f | %s |%n", p.id(), s.slotRate(),
                        dummies, thread, proc, idle, p == Profile.BALANCED ? (thread < 2.0 ? "met" : "MISSED") : "");
                System.out.printf(Locale.ROOT, "RESULT cpu_%s_thread_pct=%.3f%nRESULT cpu_%s_process_pct=%.3f%n",
                        p.id(), thread, p.id(), proc);
            }
        }
    }
}
