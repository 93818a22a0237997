package io.aethercore.benchmarks;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.b4ae.internal.HandshakeLab;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Thread CPU time (not wall time) of the B4AE handshakes and of the cookie checks, so that the figures hold
 * on a machine shared with other work: {@link ThreadMXBean#getCurrentThreadCpuTime()} around batches, the
 * median of the batches reported. Both sides of a handshake run in this thread, so "full" is the CPU of
 * one handshake for the two peers together; "responder" is the responder's part (INIT in, RESP out).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.aethercore.benchmarks.B4aeHandshakeCpu [batches]}
 */
public final class B4aeHandshakeCpu {

    interface Op {
        Object run() throws Exception;
    }

    static double cpuNanosPerOp(ThreadMXBean mx, Op op, int perBatch, int batches) throws Exception {
        double[] r = new double[batches];
        Object sink = null;
        for (int b = 0; b < batches; b++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < perBatch; i++) {
                sink = op.run();
            }
            r[b] = (mx.getCurrentThreadCpuTime() - t0) / (double) perBatch;
        }
        if (sink == null) {
            throw new IllegalStateException();
        }
        Arrays.sort(r);
        return r[batches / 2];
    }

    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (String hash : new String[] {"bouncycastle", "native"}) {
            try (B4aeFixture f = new B4aeFixture(hash)) {
                HandshakeLab lab = new HandshakeLab(f.suite, f.alice, f.bob, f.trustOfAlice, f.trustOfBob);
                byte[] withCookie = lab.initDatagram(true);
                byte[] initA = lab.init(Mode.A);
                byte[] initB = lab.init(Mode.B);
                // warm-up
                cpuNanosPerOp(mx, () -> lab.fullHandshake(Mode.A), 200, 3);
                cpuNanosPerOp(mx, () -> lab.fullHandshake(Mode.B), 50, 3);
                cpuNanosPerOp(mx, () -> lab.cookieCheck(withCookie), 200_000, 3);
                double fullA = cpuNanosPerOp(mx, () -> lab.fullHandshake(Mode.A), 100, batches);
                double fullB = cpuNanosPerOp(mx, () -> lab.fullHandshake(Mode.B), 30, batches);
                double respA = cpuNanosPerOp(mx, () -> lab.responderOnly(initA), 100, batches);
                double respB = cpuNanosPerOp(mx, () -> lab.responderOnly(initB), 30, batches);
                double mac1 = cpuNanosPerOp(mx, () -> lab.mac1Check(withCookie), 200_000, batches);
                double cookie = cpuNanosPerOp(mx, () -> lab.cookieCheck(withCookie), 200_000, batches);
                System.out.printf("RESULT hash=%s fullA_us=%.1f fullB_us=%.1f responderA_us=%.1f responderB_us=%.1f"
                                + " mac1_ns=%.0f cookie_ns=%.0f ratio_fullA_cookie=%.0f ratio_respA_cookie=%.0f"
                                + " ratio_fullB_cookie=%.0f ratio_respB_cookie=%.0f handshakesA_per_core_s=%.0f"
                                + " handshakesB_per_core_s=%.0f cookie_reply_bytes=%d init_datagram_bytes=%d%n",
                        hash, fullA / 1e3, fullB / 1e3, respA / 1e3, respB / 1e3, mac1, cookie, fullA / cookie,
                        respA / cookie, fullB / cookie, respB / cookie, 1e9 / fullA, 1e9 / fullB,
                        lab.cookieReplySize(withCookie), withCookie.length);
            }
        }
        for (Mode m : Mode.values()) {
            System.out.printf("WIRE mode=%s datagram_bytes=%s%n", m, Arrays.toString(HandshakeLab.wireBytes(m)));
        }
        connects();
    }

    /**
     * connect() between two engines in this JVM over UDP loopback and in memory: wall time and the CPU time
     * of the whole process per connect (all threads: both engines, transports, timers, GC), medians of batches.
     */
    static void connects() throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (String transport : new String[] {"udp", "memory"}) {
            try (B4aeFixture f = new B4aeFixture()) {
                io.aethercore.api.b4ae.DatagramTransport ta;
                io.aethercore.api.b4ae.DatagramTransport tb;
                if (transport.equals("udp")) {
                    ta = new io.aethercore.b4ae.internal.UdpTransport(new java.net.InetSocketAddress("127.0.0.1", 0));
                    tb = new io.aethercore.b4ae.internal.UdpTransport(new java.net.InetSocketAddress("127.0.0.1", 0));
                } else {
                    var net = new io.aethercore.b4ae.internal.InMemoryNetwork();
                    ta = net.endpoint(new java.net.InetSocketAddress("10.0.0.1", 4000));
                    tb = net.endpoint(new java.net.InetSocketAddress("10.0.0.2", 4000));
                }
                var e = f.engines(ta, tb);
                for (Mode m : Mode.values()) {
                    int per = m == Mode.A ? 50 : 15;
                    for (int warm = 0; warm < 3; warm++) {
                        for (int i = 0; i < per; i++) {
                            e[0].connect("bob", m).close();
                        }
                    }
                    double[] wall = new double[7];
                    double[] cpu = new double[7];
                    for (int b = 0; b < 7; b++) {
                        long w0 = System.nanoTime();
                        long c0 = os.getProcessCpuTime();
                        for (int i = 0; i < per; i++) {
                            e[0].connect("bob", m).close();
                        }
                        cpu[b] = (os.getProcessCpuTime() - c0) / (double) per;
                        wall[b] = (System.nanoTime() - w0) / (double) per;
                    }
                    Arrays.sort(wall);
                    Arrays.sort(cpu);
                    System.out.printf("CONNECT transport=%s mode=%s wall_us=%.0f process_cpu_us=%.0f (min wall %.0f)%n",
                            transport, m, wall[3] / 1e3, cpu[3] / 1e3, wall[0] / 1e3);
                }
                e[0].close();
                e[1].close();
                if (ta instanceof AutoCloseable c) {
                    c.close();
                }
                if (tb instanceof AutoCloseable c) {
                    c.close();
                }
            }
        }
    }
}
