package io.aethercore.benchmarks;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import io.aethercore.b4ae.internal.B4aeEngine;
import io.aethercore.b4ae.internal.UdpTransport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Session throughput over UDP on loopback beside raw UDP in the same run: one sender thread sends as fast as
 * it can for SECONDS, the receiver counts what arrives (UDP may drop; delivered messages are what counts).
 * Rounds alternate raw / B4AE so both see the same machine load. Prints one line per round and a summary.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.aethercore.benchmarks.B4aeThroughput [seconds] [rounds] [sizes...]}
 */
public final class B4aeThroughput {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int[] sizes = args.length > 2 ? java.util.Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {1024, 16384};
        try (B4aeFixture f = new B4aeFixture()) {
            UdpTransport ta = new UdpTransport(new InetSocketAddress("127.0.0.1", 0));
            UdpTransport tb = new UdpTransport(new InetSocketAddress("127.0.0.1", 0));
            B4aeEngine[] e = f.engines(ta, tb);
            Session a = e[0].connect("bob", Mode.A);
            a.send(new byte[1]);
            Session b = e[1].accept(Duration.ofSeconds(5));
            b.receive(Duration.ofSeconds(5));
            System.out.println("record AEAD offered by both sides: " + (f.suite.offersAesGcm() ? "AES-256-GCM (JDK)"
                    : "ChaCha20-Poly1305 only"));
            for (int size : sizes) {
                double rawSum = 0;
                double b4Sum = 0;
                for (int r = 0; r < rounds + 1; r++) {  // round 0 is warm-up
                    double raw = raw(size, seconds);
                    double b4 = b4ae(a, b, size, seconds);
                    System.out.printf("round %d size %d: raw UDP %.0f msg/s (%.1f MB/s), B4AE %.0f msg/s (%.1f MB/s), ratio %.2f%s%n",
                            r, size, raw, raw * size / 1e6, b4, b4 * size / 1e6, b4 / raw, r == 0 ? " (warm-up)" : "");
                    if (r > 0) {
                        rawSum += raw;
                        b4Sum += b4;
                    }
                }
                System.out.printf("RESULT size=%d raw_msgs=%.0f b4ae_msgs=%.0f raw_MBps=%.1f b4ae_MBps=%.1f ratio=%.2f%n",
                        size, rawSum / rounds, b4Sum / rounds, rawSum / rounds * size / 1e6, b4Sum / rounds * size / 1e6,
                        b4Sum / rawSum);
            }
            e[0].close();
            e[1].close();
            ta.close();
            tb.close();
        }
    }

    static double b4ae(Session a, Session b, int size, int seconds) throws Exception {
        AtomicLong received = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Thread rx = new Thread(() -> {
            try {
                while (!stop.get()) {
                    if (b.receive(Duration.ofMillis(100)) != null) {
                        received.incrementAndGet();
                    }
                }
            } catch (Exception ex) {
                // end of round
            }
        });
        rx.start();
        byte[] m = new byte[size];
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        long c0 = received.get();
        while (System.nanoTime() < end) {
            a.send(m);
        }
        Thread.sleep(200);
        double elapsed = (System.nanoTime() - start - 200_000_000L) / 1e9;
        stop.set(true);
        rx.join();
        return (received.get() - c0) / elapsed;
    }

    static double raw(int size, int seconds) throws Exception {
        try (DatagramSocket tx = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket rxs = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            rxs.setReceiveBufferSize(4 << 20);
            tx.setSendBufferSize(4 << 20);
            rxs.setSoTimeout(100);
            AtomicLong received = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            Thread rx = new Thread(() -> {
                byte[] buf = new byte[65507];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                while (!stop.get()) {
                    try {
                        p.setLength(buf.length);
                        rxs.receive(p);
                        byte[] copy = java.util.Arrays.copyOf(buf, p.getLength()); // a receiver keeps what it gets
                        if (copy.length > 0) {
                            received.incrementAndGet();
                        }
                    } catch (java.io.IOException ex) {
                        // timeout: check stop
                    }
                }
            });
            rx.start();
            byte[] m = new byte[size];
            DatagramPacket p = new DatagramPacket(m, m.length, rxs.getLocalSocketAddress());
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long start = System.nanoTime();
            while (System.nanoTime() < end) {
                tx.send(p);
            }
            Thread.sleep(200);
            double elapsed = (System.nanoTime() - start - 200_000_000L) / 1e9;
            stop.set(true);
            rx.join();
            return received.get() / elapsed;
        }
    }
}
