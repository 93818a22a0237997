package io.aethercore.b4ae.internal.scheduler;

import io.aethercore.support.lifecycle.Workers;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntUnaryOperator;

/**
 * One scheduler per node for all B4AE sessions: decides when each record leaves, so that an observer of the
 * node's datagrams learns as little as possible about who sends what when (see {@link SchedulerSettings} for
 * the modes, and {@code docs/b4ae-metadata.md}).
 *
 * <p>Threading: submitters call {@link #submit}/{@link #offer} from any thread; one dedicated daemon thread
 * owns every send. It parks until absolute slot deadlines ({@code start + k * interval}, so errors never
 * accumulate); if it wakes up more than a slot late it skips the missed slots instead of sending a burst, and
 * counts them. Each slot sends the oldest queued real message (one FIFO across all sessions), else a dummy
 * with the configured probability, else nothing.
 *
 * <p>Dummies: their padded size is drawn from the padded sizes of the last real messages, so the size
 * distribution on the wire is the same for both; the core seals a dummy like any record, with the DUMMY inner
 * type inside the encryption.
 *
 * <p>The queue is bounded ({@code max_queue_size}); a full queue refuses with
 * {@link SchedulerRejectedException}. {@link #reconfigure} swaps the settings at the next slot without touching
 * queued messages; {@link #stop} ends the thread and hands back what was not sent.
 */
public final class GlobalScheduler implements AutoCloseable {

    private static final int SIZE_HISTORY = 256;
    private static final long MAX_IDLE_NANOS = 1_000_000_000L;
    /** On grids finer than 1 ms, stay on the grid this long after a real message before sleeping idle. */
    private static final long LINGER_NANOS = 20_000_000L;
    private static final long FINE_GRID_NANOS = 1_000_000L;

    private final IntUnaryOperator paddedSizeOfPayload;
    private final ConcurrentLinkedQueue<OutboundMessage> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong generation = new AtomicLong();
    private final int[] recentSizes = new int[SIZE_HISTORY];
    private final SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());

    // counters, written by the scheduler thread (rejections by submitters)
    private final AtomicLong slots = new AtomicLong();
    private final AtomicLong realSent = new AtomicLong();
    private final AtomicLong dummiesSent = new AtomicLong();
    private final AtomicLong emptySlots = new AtomicLong();
    private final AtomicLong missedSlots = new AtomicLong();
    private final AtomicLong breaches = new AtomicLong();
    private final AtomicLong rejectedCount = new AtomicLong();
    private final AtomicLong sinkFailures = new AtomicLong();

    private volatile SchedulerSettings settings;
    private volatile SlotSink sink;
    private volatile SchedulerListener listener;
    private volatile boolean running;
    private volatile Thread thread;
    private Workers workers;                                       // guarded by this
    private volatile boolean sleepingIdle;

    // owned by the scheduler thread
    private final ArrayDeque<OutboundMessage> carry = new ArrayDeque<>();
    private final PriorityQueue<Delayed> delayed = new PriorityQueue<>(Comparator.comparingLong(Delayed::releaseNanos));
    private int sizeCount;
    private int sizeNext;
    private double realShare;          // moving average of the fraction of slots that carried a real message
    private long lastRealNanos;
    private boolean afterStall;

    private record Delayed(OutboundMessage message, long releaseNanos) { }

    /**
     * @param settings            initial settings
     * @param sink                the core's sender; may be {@code null} until {@link #setSink} (slots then send nothing)
     * @param listener            statistics (metrics), or {@link SchedulerListener#NONE}
     * @param paddedSizeOfPayload maps a payload length to the padded plaintext size of its record (PADMÉ plus
     *                            the record's inner header), used to draw dummy sizes like the real ones
     */
    public GlobalScheduler(SchedulerSettings settings, SlotSink sink, SchedulerListener listener,
                           IntUnaryOperator paddedSizeOfPayload) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sink = sink;
        this.listener = listener == null ? SchedulerListener.NONE : listener;
        this.paddedSizeOfPayload = Objects.requireNonNull(paddedSizeOfPayload, "paddedSizeOfPayload");
    }

    /** Starts the scheduler thread; idempotent. */
    public synchronized GlobalScheduler start() {
        if (running) {
            return this;
        }
        running = true;
        workers = Workers.create("b4ae", e -> { }, Duration.ofSeconds(2));
        Thread t = workers.thread("global-scheduler", this::run);
        t.setPriority(Thread.MAX_PRIORITY);
        thread = t;
        return this;
    }

    public void setSink(SlotSink sink) {
        this.sink = sink;
    }

    public void setListener(SchedulerListener listener) {
        this.listener = listener == null ? SchedulerListener.NONE : listener;
    }

    public SchedulerSettings settings() {
        return settings;
    }

    /** New settings from the next slot on; queued messages stay queued, in order. */
    public void reconfigure(SchedulerSettings newSettings) {
        this.settings = Objects.requireNonNull(newSettings, "settings");
        generation.incrementAndGet();
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Queues a real message for the next free slot.
     *
     * @throws SchedulerRejectedException when the queue is full or the scheduler stopped
     */
    public void submit(OutboundMessage message) {
        String why = tryQueue(message);
        if (why != null) {
            throw new SchedulerRejectedException(why, why.equals("stopped")
                    ? "B4AE scheduler is stopped: message not queued"
                    : "B4AE scheduler queue full (" + settings.maxQueueSize() + " messages): raise "
                            + "global_scheduler.target_rate or global_scheduler.max_queue_size, or send less");
        }
    }

    /** Like {@link #submit} but answers {@code false} instead of throwing. */
    public boolean offer(OutboundMessage message) {
        return tryQueue(message) == null;
    }

    private String tryQueue(OutboundMessage message) {
        Objects.requireNonNull(message, "message");
        String why = null;
        if (!running) {
            why = "stopped";
        } else if (queued.incrementAndGet() > settings.maxQueueSize()) {
            queued.decrementAndGet();
            why = "queue-full";
        }
        if (why != null) {
            rejectedCount.incrementAndGet();
            listener.rejected(why);
            return why;
        }
        queue.add(message);
        SchedulerSettings s = settings;
        if (!s.constantRate() || sleepingIdle) {
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
        return null;
    }

    /** Messages waiting (all sessions). */
    public int queueDepth() {
        return queued.get();
    }

    /**
     * Removes the queued messages of one session (it closed); they are never sent.
     *
     * @return how many were removed from the shared queue (messages already held by the scheduler thread
     *         for a shaping delay are dropped when their turn comes)
     */
    public int purge(Object session) {
        List<OutboundMessage> theirs = new ArrayList<>();
        for (OutboundMessage m : queue) {
            if (m.session() == session) {
                theirs.add(m);
            }
        }
        int n = 0;
        for (OutboundMessage m : theirs) {
            if (queue.remove(m)) {                              // false if the scheduler took it meanwhile
                queued.decrementAndGet();
                n++;
            }
        }
        return n;
    }

    public SchedulerStats stats() {
        SchedulerSettings s = settings;
        return new SchedulerStats(s.profile(), s.constantRate(), s.slotRate(), slots.get(), realSent.get(),
                dummiesSent.get(), emptySlots.get(), missedSlots.get(), breaches.get(), rejectedCount.get(),
                sinkFailures.get(), queued.get());
    }

    /**
     * Stops the thread (waiting up to 2 s for the slot in progress) and returns the messages never sent, oldest
     * first; later submissions are refused.
     */
    public List<OutboundMessage> stop() {
        Thread t;
        Workers w;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
            w = workers;
            workers = null;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(2));   // the slot in progress ends; no interrupt mid-send
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (w != null) {
            w.close();
        }
        List<OutboundMessage> left = new ArrayList<>(carry);
        carry.clear();
        delayed.stream().sorted(Comparator.comparingLong(d -> d.message().enqueuedNanos()))
                .forEach(d -> left.add(d.message()));
        delayed.clear();
        OutboundMessage m;
        while ((m = queue.poll()) != null) {
            left.add(m);
        }
        queued.set(0);
        return left;
    }

    @Override
    public void close() {
        stop();
    }

    // ------------------------------------------------------------------ scheduler thread

    private void run() {
        while (running) {
            SchedulerSettings s = settings;
            long gen = generation.get();
            try {
                if (s.constantRate()) {
                    runConstantRate(s, gen);
                } else {
                    runPassThrough(s, gen);
                }
            } catch (RuntimeException e) {                      // a listener or padding function broke its contract
                sinkFailures.incrementAndGet();
                try {
                    listener.sinkFailed(e);
                } catch (RuntimeException ignored) {
                    // the listener itself is broken; the scheduler goes on
                }
                LockSupport.parkNanos(this, 1_000_000L);
            }
        }
    }

    private void runConstantRate(SchedulerSettings s, long gen) {
        // delayed messages of a previous shaping mode go first, oldest first
        while (!delayed.isEmpty()) {
            carry.add(delayed.poll().message());
        }
        long interval = s.slotIntervalNanos();
        double pDummy = s.dummyProbabilityPerEmptySlot();
        long bound = s.latencyBoundNanos();
        long maxIdleSlots = Math.max(1, MAX_IDLE_NANOS / interval);
        long deadline = System.nanoTime() + interval;
        while (running && generation.get() == gen) {
            boolean forceDummy = false;
            // On a fine grid (low_overhead: 125 us) the wake-up after an idle sleep costs more than the wait
            // for a slot, so while real traffic flows the thread keeps to the grid for LINGER_NANOS.
            boolean lingering = interval < FINE_GRID_NANOS && System.nanoTime() - lastRealNanos < LINGER_NANOS;
            if (queue.isEmpty() && carry.isEmpty() && sink != null && !lingering) {
                // Idle. Each empty slot carries a dummy with probability p, independently, so the number of
                // empty slots before the next dummy is geometric: sleep through them rather than wake at each
                // (same distribution on the wire, a fraction of the wake-ups). A submission wakes us up and
                // we continue on the grid. The wait is capped; the draw is memoryless, so redrawing is exact.
                long skip = geometric(pDummy);
                boolean capped = skip > maxIdleSlots;
                long target = deadline + Math.min(skip, maxIdleSlots) * interval;
                // A submission unparks us only when the sleep spans slots that could carry it. When the next
                // slot is the wake-up anyway (full cover: every slot carries something) an unpark would only
                // add a wake-up and a second park before the slots that carry real messages, and that extra
                // scheduling shifts them on the wire against the dummies' slots (the KS test of the gaps saw it).
                sleepingIdle = target != deadline;
                long rem;
                while (running && generation.get() == gen && queue.isEmpty()
                        && (rem = target - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(this, rem);
                }
                sleepingIdle = false;
                if (!running || generation.get() != gen) {
                    return;
                }
                long now = System.nanoTime();
                if (now - target < 0) {                         // woken by a submission
                    long passed = now - deadline < 0 ? 0 : (now - deadline) / interval + 1;
                    countEmpty(passed);
                    deadline += passed * interval;
                    continue;
                }
                countEmpty(target == deadline ? 0 : (target - deadline) / interval);
                deadline = target;
                if (capped) {
                    continue;                                   // no dummy drawn in this stretch: draw again
                }
                forceDummy = true;
            } else {
                parkUntil(deadline, gen);
                if (!running || generation.get() != gen) {
                    return;
                }
            }
            long now = System.nanoTime();
            long late = now - deadline;
            if (late > interval) {
                long skipped = late / interval;
                missedSlots.addAndGet(skipped);
                listener.slotsMissed(skipped);
                deadline += skipped * interval;
                afterStall = pDummy > 0;                        // without cover traffic there is nothing to blur
            }
            slot(forceDummy ? 1.0 : pDummy, bound);
            deadline += interval;
        }
    }

    /** Empty slots before the next dummy: geometric with success probability {@code p}. */
    private long geometric(double p) {
        if (p >= 1) {
            return 0;
        }
        if (p <= 0) {
            return Long.MAX_VALUE / 4;
        }
        return (long) Math.floor(Math.log(1 - random.nextDouble()) / Math.log1p(-p));
    }

    private void countEmpty(long n) {
        if (n > 0) {
            slots.addAndGet(n);
            emptySlots.addAndGet(n);
            listener.emptySlots(n);
        }
    }

    private void slot(double pDummy, long bound) {
        slots.incrementAndGet();
        if (sink == null) {                                     // no core yet: keep the messages queued
            emptySlots.incrementAndGet();
            listener.emptySlot();
            return;
        }
        // After a stall (GC pause, CPU contention) the first datagram would otherwise be a real message far more
        // often than usual: whatever was submitted during the stall. It carries a real message only with the
        // usual share, so a long gap before a datagram says nothing about its kind.
        boolean mayCarryReal = !afterStall || random.nextDouble() < realShare;
        afterStall = false;
        boolean cover = pDummy > 0 && (pDummy >= 1 || random.nextDouble() < pDummy);
        List<?> destinations = cover ? sink.destinations() : List.of();
        if (!destinations.isEmpty()) {
            // A cover slot belongs to one destination, drawn independently of the queue: it carries that
            // destination's oldest message, else a dummy to it. So each destination's cover is its own, and the
            // datagrams a peer receives do not depend on the real traffic to the other peers.
            Object d = destinations.get(destinations.size() == 1 ? 0 : random.nextInt(destinations.size()));
            OutboundMessage own = mayCarryReal ? pollFor(d) : null;
            realShare += ((own != null ? 1.0 : 0.0) - realShare) / 256;
            if (own != null) {
                queued.decrementAndGet();
                sendReal(own, bound);
            } else if (!sendDummy(d)) {
                emptySlots.incrementAndGet();
                listener.emptySlot();
            }
            return;
        }
        OutboundMessage m = null;
        if (mayCarryReal) {
            m = carry.poll();
            if (m == null) {
                m = queue.poll();
            }
        }
        realShare += ((m != null ? 1.0 : 0.0) - realShare) / 256;
        if (m != null) {
            queued.decrementAndGet();
            sendReal(m, bound);
            return;
        }
        if (cover && sendDummy()) {
            return;
        }
        emptySlots.incrementAndGet();
        listener.emptySlot();
    }

    /** The oldest message queued for {@code destination} (held-over ones first), removed; or null. */
    private OutboundMessage pollFor(Object destination) {
        SlotSink out = sink;
        for (var it = carry.iterator(); it.hasNext(); ) {
            OutboundMessage m = it.next();
            if (destination.equals(out.destinationOf(m))) {
                it.remove();
                return m;
            }
        }
        for (var it = queue.iterator(); it.hasNext(); ) {
            OutboundMessage m = it.next();
            if (destination.equals(out.destinationOf(m)) && queue.remove(m)) {
                return m;
            }
        }
        return null;
    }

    private void runPassThrough(SchedulerSettings s, long gen) {
        long bound = s.latencyBoundNanos();
        boolean shaping = s.trafficShapingEnabled();
        double coverPerSecond = shaping ? s.coverTrafficRate() * s.targetRate() : 0;
        long nextCover = coverPerSecond > 0 ? System.nanoTime() + exponentialNanos(coverPerSecond) : Long.MAX_VALUE;
        if (!shaping) {
            while (!delayed.isEmpty()) {
                carry.add(delayed.poll().message());
            }
        }
        while (running && generation.get() == gen) {
            if (sink == null) {                                 // no core yet: keep the messages queued
                LockSupport.parkNanos(this, 10_000_000L);
                continue;
            }
            OutboundMessage m;
            while ((m = carry.poll()) != null) {
                queued.decrementAndGet();
                sendReal(m, bound);
            }
            while ((m = queue.poll()) != null) {
                if (shaping) {
                    long delay = (s.timingDelayMinMs()
                            + (long) (random.nextDouble() * (s.timingDelayMaxMs() - s.timingDelayMinMs()))) * 1_000_000L;
                    delayed.add(new Delayed(m, System.nanoTime() + delay));
                } else {
                    queued.decrementAndGet();
                    sendReal(m, bound);
                }
            }
            long now = System.nanoTime();
            while (!delayed.isEmpty() && delayed.peek().releaseNanos() - now <= 0) {
                queued.decrementAndGet();
                sendReal(delayed.poll().message(), bound);
            }
            if (now - nextCover >= 0) {
                if (!sendDummy()) {
                    emptySlots.incrementAndGet();
                    listener.emptySlot();
                }
                nextCover = now + exponentialNanos(coverPerSecond);
            }
            long wake = Math.min(nextCover, delayed.isEmpty() ? Long.MAX_VALUE : delayed.peek().releaseNanos());
            long parkFor = wake == Long.MAX_VALUE ? 100_000_000L : Math.min(100_000_000L, wake - System.nanoTime());
            if (parkFor > 0 && queue.isEmpty()) {
                LockSupport.parkNanos(this, parkFor);           // submit() and reconfigure() unpark us
            }
        }
    }

    private long exponentialNanos(double perSecond) {
        return (long) (-Math.log(1.0 - random.nextDouble()) / perSecond * 1e9);
    }

    private void sendReal(OutboundMessage m, long bound) {
        int padded;
        try {
            padded = paddedSizeOfPayload.applyAsInt(m.payload().length);
        } catch (RuntimeException e) {                          // e.g. a payload the core did not split
            padded = -1;
        }
        if (padded > 0) {
            recentSizes[sizeNext] = padded;
            sizeNext = (sizeNext + 1) % SIZE_HISTORY;
            sizeCount = Math.min(SIZE_HISTORY, sizeCount + 1);
        }
        SlotSink out = sink;
        long waited = System.nanoTime() - m.enqueuedNanos();
        boolean breach = waited > bound;
        if (breach) {
            breaches.incrementAndGet();
        }
        if (out == null) {
            sinkFailures.incrementAndGet();
            listener.sinkFailed(new IllegalStateException("no B4AE core bound to the scheduler: message dropped"));
            return;
        }
        try {
            out.emit(m);
            lastRealNanos = System.nanoTime();
            realSent.incrementAndGet();
            listener.realSent(padded, waited, breach);
        } catch (RuntimeException e) {
            sinkFailures.incrementAndGet();
            listener.sinkFailed(e);
        }
    }

    private boolean sendDummy() {
        return sendDummy(null);
    }

    /** A dummy to {@code destination}, or, when null, on a session of the core's choosing. */
    private boolean sendDummy(Object destination) {
        SlotSink out = sink;
        if (out == null) {
            return false;
        }
        int size = sizeCount == 0 ? paddedSizeOfPayload.applyAsInt(0) : recentSizes[random.nextInt(sizeCount)];
        try {
            if (destination == null ? out.emitDummy(size) : out.emitDummyTo(destination, size)) {
                dummiesSent.incrementAndGet();
                listener.dummySent(size);
                return true;
            }
        } catch (RuntimeException e) {
            sinkFailures.incrementAndGet();
            listener.sinkFailed(e);
        }
        return false;
    }

    private void parkUntil(long deadline, long gen) {
        long remaining;
        while (running && generation.get() == gen && (remaining = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, remaining);
        }
    }
}
