package io.aethercore.b4ae.internal.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.b4ae.internal.padding.Padme;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class GlobalSchedulerTest {

    /** Records what the scheduler hands the core, with the time it did. */
    static final class RecordingSink implements SlotSink {
        final List<OutboundMessage> real = new CopyOnWriteArrayList<>();
        final List<Integer> dummies = new CopyOnWriteArrayList<>();
        final List<Long> realTimes = new CopyOnWriteArrayList<>();
        volatile boolean sessionOpen = true;

        @Override
        public void emit(OutboundMessage message) {
            real.add(message);
            realTimes.add(System.nanoTime());
        }

        @Override
        public boolean emitDummy(int paddedSize) {
            if (!sessionOpen) {
                return false;
            }
            dummies.add(paddedSize);
            return true;
        }
    }

    private static OutboundMessage msg(Object session, int size) {
        return new OutboundMessage(session, new byte[size], System.nanoTime());
    }

    private static void await(java.util.function.BooleanSupplier cond, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!cond.getAsBoolean() && System.currentTimeMillis() < end) {
            Thread.sleep(5);
        }
        assertTrue(cond.getAsBoolean(), "condition not reached in " + millis + " ms");
    }

    @Test
    void profilesAreTheDocumentsTable() {
        assertEquals(1000.0, Profile.LOW_OVERHEAD.targetRate());
        assertEquals(0.0, Profile.LOW_OVERHEAD.dummyRate());
        assertEquals(0.5, Profile.LOW_OVERHEAD.maxQueueLatencyMs());
        assertEquals(100.0, Profile.BALANCED.targetRate());
        assertEquals(0.2, Profile.BALANCED.dummyRate());
        assertEquals(5.0, Profile.BALANCED.maxQueueLatencyMs());
        assertEquals(10.0, Profile.HIGH_SECURITY.targetRate());
        assertEquals(0.5, Profile.HIGH_SECURITY.dummyRate());
        assertEquals(50.0, Profile.HIGH_SECURITY.maxQueueLatencyMs());
        assertEquals(Profile.HIGH_SECURITY, Profile.parse("High-Security"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Profile.parse("paranoid")).getMessage()
                .contains("low_overhead, balanced, high_security"));
        SchedulerSettings b = SchedulerSettings.of(Profile.BALANCED);
        assertEquals(1_250_000L, b.slotIntervalNanos(), "a quarter of the 5 ms bound");
        assertEquals(0.025, b.dummyProbabilityPerEmptySlot(), 1e-9, "20 dummies/s on an idle node");
        assertEquals(80.0, SchedulerSettings.of(Profile.HIGH_SECURITY).slotRate(), 1e-9);
        SchedulerSettings slow = SchedulerSettings.defaults().withRates(100, 0.2, 1000);
        assertEquals(10_000_000L, slow.slotIntervalNanos(), "with a loose bound the grid is target_rate");
        assertEquals(0.2, slow.dummyProbabilityPerEmptySlot(), 1e-9);
    }

    @Test
    void sendsOldestFirstAcrossSessionsAndFillsEmptySlotsWithDummiesOfRealSizes() throws Exception {
        RecordingSink sink = new RecordingSink();
        SchedulerSettings s = SchedulerSettings.defaults().withRates(500, 1.0, 10);
        try (GlobalScheduler g = new GlobalScheduler(s, sink, null, Padme.defaults()).start()) {
            Object a = new Object();
            Object b = new Object();
            List<OutboundMessage> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                OutboundMessage m = msg(i % 2 == 0 ? a : b, 3000);
                sent.add(m);
                g.submit(m);
            }
            await(() -> sink.real.size() == 20, 2000);
            assertEquals(sent, sink.real, "one FIFO across sessions");
            await(() -> sink.dummies.size() > 50, 2000);
            List<Integer> dummies = List.copyOf(sink.dummies); // a snapshot: the scheduler keeps adding
            for (int size : dummies.subList(5, dummies.size())) {
                assertEquals(Padme.defaults().applyAsInt(3000), size, "dummy sizes follow the real ones");
            }
            SchedulerStats st = g.stats();
            assertEquals(20, st.realSent());
            assertTrue(st.dummyRatio() > 0.5);
        }
    }

    /** A core with two open sessions that counts the datagrams each one receives. */
    static final class TwoPeerSink implements SlotSink {
        final Object a = "peer-a";
        final Object b = "peer-b";
        final java.util.Map<Object, java.util.concurrent.atomic.AtomicLong> datagrams =
                java.util.Map.of(a, new java.util.concurrent.atomic.AtomicLong(), b, new java.util.concurrent.atomic.AtomicLong());
        final List<OutboundMessage> real = new CopyOnWriteArrayList<>();

        @Override
        public void emit(OutboundMessage message) {
            real.add(message);
            datagrams.get(message.session()).incrementAndGet();
        }

        @Override
        public boolean emitDummy(int paddedSize) {
            throw new AssertionError("with destinations known, every dummy has a destination");
        }

        @Override
        public List<?> destinations() {
            return List.of(a, b);
        }

        @Override
        public boolean emitDummyTo(Object destination, int paddedSize) {
            datagrams.get(destination).incrementAndGet();
            return true;
        }
    }

    /**
     * Issue 17, item 7: cover is drawn per destination. Before, dummies were spread over the sessions and only
     * empty slots carried them, so heavy real traffic to one peer cut the dummies every other peer received:
     * peer B's volume showed peer A's traffic. Now B's datagrams per slot are the same whether A is idle or busy.
     */
    @Test
    void aPeersVolumeDoesNotDependOnRealTrafficToAnotherPeer() throws Exception {
        SchedulerSettings s = SchedulerSettings.defaults().withRates(1000, 0.3, 4); // 1 ms slots, p = 0.3
        assertEquals(0.3, s.dummyProbabilityPerEmptySlot(), 1e-9);
        double[] perSlot = new double[2];
        for (int phase = 0; phase < 2; phase++) {
            TwoPeerSink sink = new TwoPeerSink();
            boolean busy = phase == 1;
            try (GlobalScheduler g = new GlobalScheduler(s, sink, null, Padme.defaults()).start()) {
                long end = System.nanoTime() + 1_500_000_000L;
                int submitted = 0;
                while (System.nanoTime() < end) {
                    if (busy && g.queueDepth() < 4) {          // about 60 % of the slots carry A's real messages
                        g.submit(msg(sink.a, 100));
                        submitted++;
                    }
                    Thread.sleep(0, busy ? 700_000 : 0);
                    if (!busy) {
                        Thread.sleep(50);
                    }
                }
                SchedulerStats st = g.stats();
                perSlot[phase] = sink.datagrams.get(sink.b).get() / (double) st.slots();
                if (busy) {
                    assertTrue(st.realSent() > 0.4 * st.slots(), "A kept most slots busy: " + st);
                    final int n = submitted;
                    await(() -> sink.real.size() == n, 2000);
                }
            }
        }
        // B's cover: half of the cover slots, p / 2 = 0.15 per slot, whatever A does (binomial sd < 0.01)
        assertEquals(0.15, perSlot[0], 0.03, "idle A: B's datagrams per slot");
        assertEquals(0.15, perSlot[1], 0.03, "busy A: B's datagrams per slot");
    }

    @Test
    void anIdleNodeSendsDummiesAtTheConfiguredRateWhileSleepingThroughEmptySlots() throws Exception {
        RecordingSink sink = new RecordingSink();
        // 1000 slots/s, an empty slot carries a dummy with probability 0.5
        SchedulerSettings s = SchedulerSettings.defaults().withRates(1000, 0.5, 4);
        assertEquals(0.5, s.dummyProbabilityPerEmptySlot(), 1e-9);
        try (GlobalScheduler g = new GlobalScheduler(s, sink, null, Padme.defaults()).start()) {
            long t0 = System.nanoTime();
            Thread.sleep(1500);
            double seconds = (System.nanoTime() - t0) / 1e9;
            SchedulerStats st = g.stats();
            // binomial(1500, 0.5): sd 19; tolerance 15 % covers that and a loaded machine's missed slots
            assertEquals(500 * seconds, sink.dummies.size(), 75 * seconds, "dummies " + sink.dummies.size());
            assertEquals(1000 * seconds, st.slots() + st.missedSlots(), 150 * seconds, "slots " + st);
            // and a submission during an idle stretch still leaves at the next slot
            long before = System.nanoTime();
            g.submit(msg("s", 10));
            await(() -> sink.real.size() == 1, 1000);
            assertTrue(sink.realTimes.get(0) - before < 100_000_000L);
        }
    }

    @Test
    void noSessionMeansNoDummyAndNoCoreMeansMessagesWait() throws Exception {
        RecordingSink sink = new RecordingSink();
        sink.sessionOpen = false;
        SchedulerSettings s = SchedulerSettings.defaults().withRates(500, 1.0, 10);
        try (GlobalScheduler g = new GlobalScheduler(s, null, null, Padme.defaults()).start()) {
            g.submit(msg("x", 10));
            Thread.sleep(50);
            assertEquals(1, g.queueDepth(), "kept until a core is bound");
            g.setSink(sink);
            await(() -> sink.real.size() == 1, 1000);
            Thread.sleep(50);
            assertTrue(sink.dummies.isEmpty());
            assertTrue(g.stats().emptySlots() > 10);
        }
    }

    @Test
    void boundedQueueRefusesClearlyAndStopHandsBackTheRest() {
        RecordingSink sink = new RecordingSink();
        SchedulerSettings s = SchedulerSettings.defaults().withRates(10, 0, 1000).withMaxQueueSize(5);
        GlobalScheduler g = new GlobalScheduler(s, sink, null, Padme.defaults()).start();
        List<OutboundMessage> in = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            OutboundMessage m = msg("s", 1);
            in.add(m);
            g.submit(m);
        }
        SchedulerRejectedException e = assertThrows(SchedulerRejectedException.class, () -> g.submit(msg("s", 1)));
        assertEquals("queue-full", e.reason());
        assertTrue(e.getMessage().contains("max_queue_size"));
        assertFalse(g.offer(msg("s", 1)));
        List<OutboundMessage> left = g.stop();
        List<OutboundMessage> all = new ArrayList<>(sink.real);
        all.addAll(left);
        assertEquals(in, all, "every message was either sent or handed back, in order");
        assertEquals("stopped", assertThrows(SchedulerRejectedException.class, () -> g.submit(msg("s", 1))).reason());
        assertEquals(3, g.stats().rejected());
    }

    @Test
    void reconfigureKeepsQueuedMessages() throws Exception {
        RecordingSink sink = new RecordingSink();
        SchedulerSettings slow = SchedulerSettings.defaults().withRates(2, 0, 10_000);
        try (GlobalScheduler g = new GlobalScheduler(slow, sink, null, Padme.defaults()).start()) {
            List<OutboundMessage> in = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                OutboundMessage m = msg(i % 3, 100);
                in.add(m);
                g.submit(m);
            }
            Thread.sleep(100);
            g.reconfigure(SchedulerSettings.of(Profile.LOW_OVERHEAD));
            await(() -> sink.real.size() == 50, 2000);
            assertEquals(in, sink.real);
            assertEquals("low_overhead", g.stats().profile());
            g.reconfigure(SchedulerSettings.of(Profile.BALANCED).withConstantRate(false).withShaping(false, 0, 0, 0));
            OutboundMessage m = msg("p", 1);
            g.submit(m);
            await(() -> sink.real.size() == 51, 1000);
        }
    }

    @Test
    void anOversizedPayloadOrABrokenListenerDoesNotStopTheScheduler() throws Exception {
        RecordingSink sink = new RecordingSink();
        SchedulerListener broken = new SchedulerListener() {
            @Override
            public void dummySent(int paddedSize) {
                throw new IllegalStateException("listener bug");
            }
        };
        SchedulerSettings s = SchedulerSettings.defaults().withRates(500, 1.0, 10);
        try (GlobalScheduler g = new GlobalScheduler(s, sink, broken, Padme.defaults()).start()) {
            g.submit(msg("s", 100_000));                        // above max_bucket_size: the padding function throws
            g.submit(msg("s", 10));
            await(() -> sink.real.size() == 2, 2000);
            await(() -> sink.dummies.size() > 20, 2000);
            assertTrue(g.stats().sinkFailures() > 0);
        }
    }

    @Test
    void purgeDropsOneSessionsMessages() {
        RecordingSink sink = new RecordingSink();
        SchedulerSettings slow = SchedulerSettings.defaults().withRates(1, 0, 100_000);
        GlobalScheduler g = new GlobalScheduler(slow, sink, null, Padme.defaults()).start();
        Object gone = new Object();
        for (int i = 0; i < 10; i++) {
            g.submit(msg(i % 2 == 0 ? gone : "stays", 1));
        }
        assertEquals(5, g.purge(gone));
        assertEquals(5, g.queueDepth());
        List<OutboundMessage> left = g.stop();
        assertTrue(left.stream().noneMatch(m -> m.session() == gone));
    }

    @Test
    void shapingHoldsEachMessageWithinTheDelayWindowAndSendsCover() throws Exception {
        RecordingSink sink = new RecordingSink();
        SchedulerSettings s = SchedulerSettings.defaults().withConstantRate(false).withShaping(true, 20, 60, 1.0)
                .withRates(100, 0, 5);
        try (GlobalScheduler g = new GlobalScheduler(s, sink, null, Padme.defaults()).start()) {
            List<Long> submitted = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 30; i++) {
                OutboundMessage m = msg("s", 10);
                submitted.add(m.enqueuedNanos());
                g.submit(m);
                Thread.sleep(2);
            }
            await(() -> sink.real.size() == 30, 3000);
            for (int i = 0; i < 30; i++) {
                long held = sink.realTimes.get(i) - sink.real.get(i).enqueuedNanos();
                assertTrue(held >= 20_000_000L, "held " + held / 1e6 + " ms");
            }
            assertEquals(0, g.stats().latencyBreaches(), "the shaping delay is not a breach");
            await(() -> sink.dummies.size() > 20, 3000);   // 100 cover dummies/s
        }
    }

    @Test
    void plainPassThroughSendsAtOnce() throws Exception {
        RecordingSink sink = new RecordingSink();
        SchedulerSettings s = SchedulerSettings.defaults().withConstantRate(false).withShaping(false, 0, 0, 0);
        try (GlobalScheduler g = new GlobalScheduler(s, sink, null, Padme.defaults()).start()) {
            for (int i = 0; i < 100; i++) {
                g.submit(msg("s", 10));
            }
            await(() -> sink.real.size() == 100, 1000);
            assertTrue(sink.dummies.isEmpty());
        }
    }
}
