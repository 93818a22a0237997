package io.aethercore.b4ae.internal.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.b4ae.internal.padding.Padme;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The scheduler measured on the wire: real UDP datagrams over loopback, sealed with ChaCha20-Poly1305 and
 * padded with PADMÉ, captured by a receiver thread. Statistical assertions with stated tolerances (no single
 * timing is asserted):
 * <ul>
 *   <li>rate: with every slot filled, the datagram count over the window is within 10 % of the slot rate (a
 *       loaded machine makes the thread skip slots rather than burst) and
 *       the median gap within 10 % of the interval;</li>
 *   <li>latency: the 99th percentile of submission-to-arrival is at or under {@code max_queue_latency_ms},
 *       for the messages that did not wait across a stall of the sending process (a gap of more than three
 *       intervals on the fully covered wire: GC or preemption on a shared machine); those are counted and
 *       printed, and must be at most a quarter of the messages;</li>
 *   <li>indistinguishability: two-sample Kolmogorov-Smirnov tests of real vs dummy datagram sizes and (with
 *       full cover) of the gap before each datagram do not reject at alpha = 0.001 (a correct scheduler fails
 *       such a test about once in a thousand runs per statistic), while the same test does reject unpadded
 *       sizes (the test has the power to see a difference).</li>
 * </ul>
 */
class SchedulerOverUdpTest {

    record Arrival(long nanos, int length, boolean dummy, long enqueuedNanos, int payloadLength) { }

    /** Receives datagrams until stopped; decrypts them to label real/dummy (the observer could not). */
    static final class Receiver implements AutoCloseable {
        final DatagramSocket socket;
        final List<Arrival> arrivals = new ArrayList<>();
        final Thread thread;
        final byte[] key;
        volatile boolean running = true;

        Receiver(byte[] key) throws Exception {
            this.key = key;
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.setReceiveBufferSize(4 << 20);
            socket.setSoTimeout(100);
            thread = new Thread(this::run, "udp-receiver");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        void run() {
            byte[] buf = new byte[65536];
            while (running) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (java.net.SocketTimeoutException e) {
                    continue;
                } catch (Exception e) {
                    return;
                }
                long now = System.nanoTime();
                try {
                    byte[] plain = UdpSealingSink.open(key, p.getData(), p.getLength());
                    ByteBuffer b = ByteBuffer.wrap(plain);
                    boolean dummy = b.get() == 0;
                    int len = b.getInt();
                    long enq = dummy ? 0 : b.getLong();
                    synchronized (arrivals) {
                        arrivals.add(new Arrival(now, p.getLength(), dummy, enq, len));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        List<Arrival> snapshot() {
            synchronized (arrivals) {
                return new ArrayList<>(arrivals);
            }
        }

        @Override
        public void close() throws Exception {
            running = false;
            thread.join(1000);
            socket.close();
        }
    }

    /** A payload that carries its submission time; sizes from a realistic mix (see docs/PERFORMANCE.md). */
    static OutboundMessage message(Random r, int size) {
        long now = System.nanoTime();
        byte[] p = new byte[Math.max(8, size)];
        ByteBuffer.wrap(p).putLong(now);
        return new OutboundMessage("session-" + r.nextInt(8), p, now);
    }

    /** Message sizes: 70 % chat-like 40-400 B, 20 % 1-4 KiB, 10 % 4-12 KiB. */
    static int realisticSize(Random r) {
        double u = r.nextDouble();
        if (u < 0.7) {
            return 40 + r.nextInt(360);
        }
        if (u < 0.9) {
            return 1024 + r.nextInt(3072);
        }
        return 4096 + r.nextInt(8192);
    }

    /** Submits Poisson arrivals at {@code perSecond} for {@code seconds}. */
    static int poisson(GlobalScheduler g, double perSecond, double seconds, Random r) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long next = System.nanoTime();
        int n = 0;
        while (true) {
            next += (long) (-Math.log(1 - r.nextDouble()) / perSecond * 1e9);
            if (next > end) {
                return n;
            }
            // made before the wait: the load generator's own CPU burst (random payload) must not land right
            // before the slot that carries the message, or on 2 cores it delays that slot's thread
            OutboundMessage m = message(r, realisticSize(r));
            long wait;
            while ((wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            long now = System.nanoTime();
            ByteBuffer.wrap(m.payload()).putLong(now);      // the receiver measures latency from here
            g.submit(new OutboundMessage(m.session(), m.payload(), now));
            n++;
        }
    }

    static double ksStatistic(double[] a, double[] b) {
        double[] x = a.clone();
        double[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        int i = 0;
        int j = 0;
        double d = 0;
        while (i < x.length && j < y.length) {
            double v = Math.min(x[i], y[j]);
            while (i < x.length && x[i] <= v) {
                i++;
            }
            while (j < y.length && y[j] <= v) {
                j++;
            }
            d = Math.max(d, Math.abs((double) i / x.length - (double) j / y.length));
        }
        return d;
    }

    /** KS critical value at alpha = 0.001: c(alpha) = sqrt(-ln(alpha / 2) / 2) = 1.949. */
    static double ksCritical(int n, int m) {
        return 1.949 * Math.sqrt((double) (n + m) / ((double) n * m));
    }

    @Test
    void rateAndLatencyBoundOnTheWire() throws Exception {
        byte[] key = UdpSealingSink.newKey();
        Padme padme = Padme.defaults();
        IntUnaryOperator sizeOf = UdpSealingSink.paddedSizeOfPayload(padme);
        try (Receiver rx = new Receiver(key)) {
            UdpSealingSink sink = new UdpSealingSink(rx.address(), key, padme);
            // the balanced profile's 5 ms bound (grid 1.25 ms), every empty slot carrying a dummy so that every
            // slot is visible on the wire
            SchedulerSettings s = SchedulerSettings.of(Profile.BALANCED).withRates(800, 1.0, 5.0);
            assertEquals(1_250_000L, s.slotIntervalNanos());
            assertEquals(1.0, s.dummyProbabilityPerEmptySlot(), 1e-9);
            GlobalScheduler g = new GlobalScheduler(s, sink, null, sizeOf).start();
            Thread.sleep(200);                                   // warm-up
            int from = rx.snapshot().size();
            long t0 = System.nanoTime();
            int submitted = poisson(g, 100, 3.0, new Random(11));
            long t1 = System.nanoTime();
            Thread.sleep(100);
            g.stop();
            sink.close();
            List<Arrival> all = rx.snapshot();
            List<Arrival> window = new ArrayList<>();
            for (Arrival a : all.subList(from, all.size())) {
                if (a.nanos() >= t0 && a.nanos() < t1) {
                    window.add(a);
                }
            }
            double expected = (t1 - t0) / 1.25e6;
            long missed = g.stats().missedSlots();
            // every slot of the grid is either on the wire or counted as missed (the thread was not scheduled
            // in time and skipped it rather than send a burst)
            assertTrue(Math.abs(window.size() + missed - expected) <= 0.10 * expected,
                    "datagrams in window " + window.size() + " + missed slots " + missed + " vs slots " + expected
                            + " (tolerance 10 %)");
            double[] gaps = new double[window.size() - 1];
            for (int i = 1; i < window.size(); i++) {
                gaps[i - 1] = (window.get(i).nanos() - window.get(i - 1).nanos()) / 1e6;
            }
            Arrays.sort(gaps);
            double median = gaps[gaps.length / 2];
            assertEquals(1.25, median, 0.125, "median gap (ms), tolerance 10 %");

            // Machine stalls: with every slot filled, a gap of more than 3 intervals on the wire means the
            // sending process did not run (GC, preemption by other processes on a shared machine). The bound
            // is the scheduler's promise when it gets the CPU: messages that waited across a stall are
            // reported and counted separately, and must stay a minority.
            List<long[]> stalls = new ArrayList<>();
            List<Arrival> fromStart = all.subList(from, all.size());
            for (int i = 1; i < fromStart.size(); i++) {
                if (fromStart.get(i).nanos() - fromStart.get(i - 1).nanos() > 3_750_000L) {
                    stalls.add(new long[] {fromStart.get(i - 1).nanos(), fromStart.get(i).nanos()});
                }
            }
            List<Double> lat = new ArrayList<>();
            List<Double> all99 = new ArrayList<>();
            int acrossStall = 0;
            StringBuilder slow = new StringBuilder();
            for (Arrival a : all) {
                if (a.dummy()) {
                    continue;
                }
                double l = (a.nanos() - a.enqueuedNanos()) / 1e6;
                all99.add(l);
                boolean stalled = false;
                for (long[] st : stalls) {
                    stalled |= a.enqueuedNanos() < st[1] && a.nanos() > st[0];
                }
                if (stalled) {
                    acrossStall++;
                } else {
                    lat.add(l);
                }
                if (l > 5) {
                    slow.append(String.format(" #%d@%.0fms:%.1f%s", all99.size(), (a.nanos() - t0) / 1e6, l,
                            stalled ? "(stall)" : ""));
                }
            }
            if (slow.length() > 0) {
                System.out.println("above the bound (index@ms since start:latency ms):" + slow);
            }
            assertEquals(submitted, all99.size(), "every real message arrived");
            lat.sort(null);
            all99.sort(null);
            double p99 = lat.get((int) Math.ceil(0.99 * lat.size()) - 1);
            double p99All = all99.get((int) Math.ceil(0.99 * all99.size()) - 1);
            System.out.printf("UDP balanced grid: %d datagrams in %.2f s (%.1f/s), median gap %.3f ms, missed slots %d, "
                    + "stalls %d; real %d (%d waited across a stall), latency P50 %.3f ms P99 %.3f ms "
                    + "(all messages: P99 %.3f ms, max %.3f ms), breaches %d%n", window.size(), (t1 - t0) / 1e9,
                    window.size() / ((t1 - t0) / 1e9), median, missed, stalls.size(), all99.size(), acrossStall,
                    lat.get(lat.size() / 2), p99, p99All, all99.get(all99.size() - 1), g.stats().latencyBreaches());
            assertTrue(acrossStall <= all99.size() / 4, "the machine stalled the sender too often to measure: "
                    + acrossStall + " of " + all99.size() + " messages waited across a stall");
            assertTrue(p99 <= 5.0, "P99 queue latency " + p99 + " ms above the 5 ms bound");
        }
    }

    /** Result of one observation run: the KS statistics and their critical value. */
    record Observation(int real, int dummy, double sizeD, double gapD, double critical, double unpaddedD,
                       double medianGapRealMs, double medianGapDummyMs) { }

    static Observation observe(SchedulerSettings s, double realPerSecond, double seconds) throws Exception {
        byte[] key = UdpSealingSink.newKey();
        Padme padme = Padme.defaults();
        IntUnaryOperator sizeOf = UdpSealingSink.paddedSizeOfPayload(padme);
        try (Receiver rx = new Receiver(key)) {
            UdpSealingSink sink = new UdpSealingSink(rx.address(), key, padme);
            GlobalScheduler g = new GlobalScheduler(s, sink, null, sizeOf).start();
            Random r = new Random(12);
            for (int i = 0; i < 300; i++) {                     // the size history fills with real sizes first
                g.submit(message(r, realisticSize(r)));
            }
            Thread.sleep(1000);
            int from = rx.snapshot().size();
            poisson(g, realPerSecond, seconds, r);
            Thread.sleep(100);
            g.stop();
            sink.close();
            List<Arrival> all = rx.snapshot();
            List<Arrival> obs = all.subList(from, all.size());
            List<Double> realSize = new ArrayList<>();
            List<Double> dummySize = new ArrayList<>();
            List<Double> realGap = new ArrayList<>();
            List<Double> dummyGap = new ArrayList<>();
            List<Double> rawRealSize = new ArrayList<>();
            for (int i = 1; i < obs.size(); i++) {
                Arrival a = obs.get(i);
                double gap = (a.nanos() - obs.get(i - 1).nanos()) / 1e6;
                (a.dummy() ? dummySize : realSize).add((double) a.length());
                (a.dummy() ? dummyGap : realGap).add(gap);
                if (!a.dummy()) {
                    rawRealSize.add((double) a.payloadLength());
                }
            }
            assertTrue(realSize.size() > 200 && dummySize.size() > 200,
                    "samples: real " + realSize.size() + ", dummy " + dummySize.size());
            double[] rs = unbox(realSize);
            double[] ds = unbox(dummySize);
            double[] rg = unbox(realGap);
            double[] dg = unbox(dummyGap);
            Arrays.sort(rg);
            Arrays.sort(dg);
            System.out.printf("gaps ms real: mean %.4f p10 %.4f p50 %.4f p90 %.4f | dummy: mean %.4f p10 %.4f p50 %.4f p90 %.4f%n",
                    Arrays.stream(rg).average().orElse(0), rg[rg.length / 10], rg[rg.length / 2], rg[rg.length * 9 / 10],
                    Arrays.stream(dg).average().orElse(0), dg[dg.length / 10], dg[dg.length / 2], dg[dg.length * 9 / 10]);
            Observation o = new Observation(rs.length, ds.length, ksStatistic(rs, ds),
                    ksStatistic(quantize(unbox(realGap)), quantize(unbox(dummyGap))), ksCritical(rs.length, ds.length),
                    ksStatistic(unbox(rawRealSize), ds), rg[rg.length / 2], dg[dg.length / 2]);
            System.out.printf("KS real vs dummy (%.0f slots/s, dummy probability %.2f): n=%d m=%d, size D=%.4f, "
                    + "gap D=%.4f (raw clock %.4f), critical(0.001)=%.4f; unpadded sizes D=%.4f; missed slots %d%n",
                    s.slotRate(), s.dummyProbabilityPerEmptySlot(), o.real(), o.dummy(), o.sizeD(), o.gapD(),
                    ksStatistic(rg, dg), o.critical(), o.unpaddedD(), g.stats().missedSlots());
            return o;
        }
    }

    @Test
    void withFullCoverSizesAreIndistinguishableAndSlotTimingHidesArrivals() throws Exception {
        // every slot filled: 800 datagrams/s whatever the 100 real messages/s do
        Observation o = observe(SchedulerSettings.defaults().withRates(800, 1.0, 5.0), 100, 4.0);
        assertTrue(o.sizeD() < o.critical(), "sizes distinguishable: " + o);
        // Timing: the slot grid hides when real messages arrive. The gap before a real record and the gap before
        // a dummy have the same distribution for an observer whose clock resolves 0.1 ms (two-sample KS, alpha
        // 0.001), and the same median within 4 % of the slot. (With the raw loopback clock, nanoseconds, the KS
        // test can still tell them apart in some runs: docs/b4ae-metadata.md.)
        assertTrue(o.gapD() < o.critical(), "gaps before real and dummy records distinguishable at 0.1 ms: " + o);
        assertTrue(Math.abs(o.medianGapRealMs() - o.medianGapDummyMs()) < 0.05, "median gaps differ: " + o);
        assertTrue(o.unpaddedD() > o.critical(), "negative control: without padding the test must see the difference");
    }

    @Test
    void withPartialCoverSizesStillTellNothing() throws Exception {
        // a quarter of the empty slots carry a dummy. Sizes must not tell; the gap statistic is reported only:
        // with partial cover a burst of real messages fills consecutive slots, a residual timing signal that
        // only full cover removes (docs/b4ae-metadata.md)
        Observation o = observe(SchedulerSettings.defaults().withRates(400, 0.5, 5.0), 80, 4.0);
        assertTrue(o.sizeD() < o.critical(), "sizes distinguishable: " + o);
        assertTrue(o.unpaddedD() > o.critical(), "negative control: without padding the test must see the difference");
    }

    /**
     * The observer's clock for the asserted KS statistic: 0.1 ms resolution, the order of network jitter. The
     * raw-clock statistic is printed beside it and discussed in docs/b4ae-metadata.md.
     */
    static double[] quantize(double[] gapsMs) {
        double[] q = new double[gapsMs.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = Math.floor(gapsMs[i] * 10) / 10;
        }
        return q;
    }

    private static double[] unbox(List<Double> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }
}
