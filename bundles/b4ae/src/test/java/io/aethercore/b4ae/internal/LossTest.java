package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mesh's target link (docs/b4ae-protocol.md §5.5): 80 % random loss in each direction, so one datagram in
 * five arrives and a round trip survives one time in 25. Handshakes of every kind must complete and a session
 * must survive rekeys there. Real time, kept short: the figures of docs/PERFORMANCE.md come from
 * {@link LossMeasurement}, which runs the same lab with larger samples.
 */
class LossTest {

    private static final double LOSS = 0.8;
    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    /** 40 handshakes of each kind at once, 10 s: Mode A must be (nearly) always done, Mode B mostly. */
    @Test
    void handshakesCompleteAtEightyPercentLoss() throws Exception {
        int n = 40;
        CompletableFuture<long[]> a = run(LossLab.Kind.A, n, 1);
        CompletableFuture<long[]> b = run(LossLab.Kind.B, n, 1001);
        CompletableFuture<long[]> e = run(LossLab.Kind.B_ENROL, n, 2001);
        long[] ta = a.get();
        long[] tb = b.get();
        long[] te = e.get();
        System.out.println(LossLab.summary(LossLab.Kind.A, LOSS, ta));
        System.out.println(LossLab.summary(LossLab.Kind.B, LOSS, tb));
        System.out.println(LossLab.summary(LossLab.Kind.B_ENROL, LOSS, te));
        assertTrue(LossLab.within(ta, 10_000) >= n - 1, "Mode A within 10 s: " + LossLab.summary(LossLab.Kind.A, LOSS, ta));
        assertTrue(LossLab.within(tb, 10_000) >= n * 8 / 10, "Mode B within 10 s: " + LossLab.summary(LossLab.Kind.B, LOSS, tb));
        assertTrue(LossLab.within(te, 10_000) >= n * 8 / 10,
                "Mode B enrollment within 10 s: " + LossLab.summary(LossLab.Kind.B_ENROL, LOSS, te));
    }

    private static CompletableFuture<long[]> run(LossLab.Kind kind, int n, long seed) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return LossLab.handshakes(kind, LOSS, n, 10_000, seed, LossLab::defaults);
            } catch (Exception x) {
                throw new IllegalStateException(x);
            }
        });
    }

    /**
     * A session with rekey after 2 s and old keys rejected after 5 s carries messages both ways for 14 s at
     * 80 % loss: it stays open, rekeys several times, and messages keep arriving (no gap longer than 3 s).
     */
    @Test
    void sessionSurvivesRekeysAtEightyPercentLoss() throws Exception {
        CompletableFuture<String> a = CompletableFuture.supplyAsync(() -> survive(Mode.A, 77));
        CompletableFuture<String> b = CompletableFuture.supplyAsync(() -> survive(Mode.B, 78));
        System.out.println(a.get());
        System.out.println(b.get());
    }

    private String survive(Mode mode, long seed) {
        try {
            InMemoryNetwork net = new InMemoryNetwork();
            var ta = nodes.track(net.endpoint(Nodes.mem(1)));
            var tb = nodes.track(net.endpoint(Nodes.mem(2)));
            Nodes.Pair p = nodes.pair(ta, tb, LossLab.defaults().rekeyAfterSeconds(2).rejectAfterSeconds(5),
                    LossLab.defaults().rekeyAfterSeconds(2).rejectAfterSeconds(5));
            Session sa = p.alice().connect("bob", mode);     // set up without loss, then the link degrades
            Session sb = p.bob().accept(Duration.ofSeconds(5));
            assertTrue(sb != null, "accepted");
            net.setTap(LossLab.lossy(LOSS, seed));
            long end = System.nanoTime() + 14_000_000_000L;
            AtomicLong lastA = new AtomicLong(System.nanoTime());
            AtomicLong lastB = new AtomicLong(System.nanoTime());
            AtomicLong maxGap = new AtomicLong();
            Thread ra = receiver(sa, lastA, maxGap, end);
            Thread rb = receiver(sb, lastB, maxGap, end);
            long i = 0;
            while (System.nanoTime() < end) {
                byte[] m = ByteBuffer.allocate(8).putLong(i++).array();
                sa.send(m);
                sb.send(m);
                Thread.sleep(20);
            }
            ra.join(5000);
            rb.join(5000);
            long now = System.nanoTime();
            maxGap.accumulateAndGet(Math.max(now - lastA.get(), now - lastB.get()), Math::max);
            String report = "Mode " + mode + ": generations " + sa.info().keyGeneration() + "/" + sb.info().keyGeneration()
                    + ", received " + sa.info().recordsReceived() + "/" + sb.info().recordsReceived() + " of " + i
                    + ", longest gap " + maxGap.get() / 1_000_000 + " ms";
            assertTrue(sa.isOpen() && sb.isOpen(), "session open: " + report);
            assertTrue(sa.info().keyGeneration() >= 3 && sb.info().keyGeneration() >= 3, "rekeyed: " + report);
            assertTrue(maxGap.get() < 3_000_000_000L, "messages kept arriving: " + report);
            return report;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Thread receiver(Session s, AtomicLong last, AtomicLong maxGap, long end) {
        Thread t = new Thread(() -> {
            try {
                while (System.nanoTime() < end) {
                    byte[] m = s.receive(Duration.ofMillis(200));
                    if (m != null) {
                        long now = System.nanoTime();
                        maxGap.accumulateAndGet(now - last.getAndSet(now), Math::max);
                    }
                }
            } catch (Exception e) {
                // the assertions after the run say what went wrong
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
