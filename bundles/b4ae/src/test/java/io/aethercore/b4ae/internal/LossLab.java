package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Handshakes over lossy in-memory links (docs/PERFORMANCE.md, "B4AE handshakes under loss"): every datagram is
 * dropped independently with probability {@code loss}, in each direction, from a seeded random source. Runs
 * many handshakes at once, each pair on its own network, and reports the time until both sides hold the
 * session (the initiator's connect completed and the responder accepted it), or -1 when that did not happen
 * within the cap.
 */
final class LossLab {

    /** The handshake variants the mesh uses: Mode A, Mode B, and Mode B enrollment (FINISH carries the key). */
    enum Kind { A, B, B_ENROL }

    private LossLab() {}

    /** A tap dropping each datagram with probability {@code loss}, seeded. */
    static InMemoryNetwork.Tap lossy(double loss, long seed) {
        Random r = new Random(seed);
        return (from, to, d) -> {
            boolean drop;
            synchronized (r) {
                drop = r.nextDouble() < loss;
            }
            return drop ? new byte[0][] : new byte[][] {d};
        };
    }

    /**
     * Runs {@code n} handshakes of {@code kind} concurrently at {@code loss}, each on its own network seeded
     * {@code seed + i}; returns each one's time to established in nanoseconds, -1 if not within {@code capMillis}.
     */
    static long[] handshakes(Kind kind, double loss, int n, long capMillis, long seed,
                             Supplier<B4aeSettings.Builder> settings) throws Exception {
        try (Nodes nodes = new Nodes()) {
            B4aeEngine[] responders = new B4aeEngine[n];
            CompletableFuture<?>[] connects = new CompletableFuture<?>[n];
            long[] initiatorDone = new long[n];
            long[] responderDone = new long[n];
            Arrays.fill(initiatorDone, -1);
            Arrays.fill(responderDone, -1);
            B4aeEngine[] initiators = new B4aeEngine[n];
            InetSocketAddress[] target = new InetSocketAddress[n];
            for (int i = 0; i < n; i++) {
                InMemoryNetwork net = new InMemoryNetwork();
                net.setTap(lossy(loss, seed + i));
                var ta = nodes.track(net.endpoint(Nodes.mem(1)));
                var tb = nodes.track(net.endpoint(Nodes.mem(2)));
                if (kind == Kind.B_ENROL) {
                    B4aeEngine fa = nodes.node("bob", Nodes.trust(), settings.get().enrollmentAcceptUnpinned(true));
                    fa.setTransport(tb);
                    PinnedTrustStore trust = Nodes.trust();
                    Nodes.pin(trust, "bob", tb.localAddress());
                    B4aeEngine joiner = nodes.node("alice", trust, settings.get());
                    joiner.setTransport(ta);
                    initiators[i] = joiner;
                    responders[i] = fa;
                } else {
                    Nodes.Pair p = nodes.pair(ta, tb, settings.get(), settings.get());
                    initiators[i] = p.alice();
                    responders[i] = p.bob();
                }
                target[i] = tb.localAddress();
            }
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                final int k = i;
                CompletableFuture<Session> f = kind == Kind.B_ENROL ? initiators[i].enrolAsync("bob", target[i])
                        : initiators[i].connectAsync("bob", target[i], kind == Kind.A ? Mode.A : Mode.B);
                connects[i] = f.whenComplete((s, e) -> {
                    if (e == null) {
                        initiatorDone[k] = System.nanoTime() - start;
                    }
                });
            }
            long deadline = start + capMillis * 1_000_000L;
            int open = n;
            while (System.nanoTime() < deadline && open > 0) {
                open = 0;
                for (int i = 0; i < n; i++) {
                    if (responderDone[i] < 0) {
                        if (responders[i].accept(Duration.ZERO) != null) {
                            responderDone[i] = System.nanoTime() - start;
                        } else {
                            open++;
                        }
                    } else if (initiatorDone[i] < 0) {
                        open++;
                    }
                }
                Thread.sleep(5);
            }
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = initiatorDone[i] < 0 || responderDone[i] < 0 ? -1 : Math.max(initiatorDone[i], responderDone[i]);
            }
            return out;
        }
    }

    /** The production defaults (only the replay filters smaller, to keep hundreds of nodes in one JVM). */
    static B4aeSettings.Builder defaults() {
        return B4aeSettings.builder().bloomFilterSize(10_000);
    }

    /** Successes within {@code millis}. */
    static int within(long[] times, long millis) {
        int c = 0;
        for (long t : times) {
            if (t >= 0 && t <= millis * 1_000_000L) {
                c++;
            }
        }
        return c;
    }

    /** The q-quantile (0..1) of the successful times, in milliseconds, failures counted as infinite; -1 if undefined. */
    static long quantileMillis(long[] times, double q) {
        long[] s = times.clone();
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 0) {
                s[i] = Long.MAX_VALUE;
            }
        }
        Arrays.sort(s);
        int idx = (int) Math.ceil(q * s.length) - 1;
        long v = s[Math.max(0, idx)];
        return v == Long.MAX_VALUE ? -1 : v / 1_000_000L;
    }

    static String summary(Kind kind, double loss, long[] t) {
        return String.format("%-7s loss %2.0f%%  n=%d  <=10s %3d  <=30s %3d  median %s ms  p90 %s ms", kind, loss * 100,
                t.length, within(t, 10_000), within(t, 30_000), fmt(quantileMillis(t, 0.5)), fmt(quantileMillis(t, 0.9)));
    }

    private static String fmt(long ms) {
        return ms < 0 ? ">cap" : Long.toString(ms);
    }
}
