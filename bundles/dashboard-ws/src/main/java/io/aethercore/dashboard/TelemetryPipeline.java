package io.aethercore.dashboard;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The telemetry ingest path: any thread {@link #emit}s a sample (a lock-free queue, no I/O); one flusher
 * thread drains the queue every {@code telemetry.batch_ms}, encodes the batch once and hands the same
 * string to every subscribed client. The queue is bounded: beyond {@value #MAX_QUEUED} waiting samples new
 * ones are dropped and counted, so a stalled flusher cannot exhaust the heap.
 */
public final class TelemetryPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryPipeline.class);
    static final int MAX_QUEUED = 1 << 20;
    static final int MAX_BATCH = 4096;

    private static final long EPOCH_MICROS_BASE = System.currentTimeMillis() * 1000;
    private static final long NANO_BASE = System.nanoTime();

    private record Sample(String node, String metric, double value, long emitMicros) {
    }

    private final HealthHub hub;
    private final long batchNanos;
    private final ConcurrentLinkedQueue<Sample> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong emitted = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final Thread flusher;
    private volatile boolean running = true;

    public TelemetryPipeline(HealthHub hub, long batchMillis) {
        this.hub = hub;
        this.batchNanos = TimeUnit.MILLISECONDS.toNanos(batchMillis);
        this.flusher = new Thread(this::run, "aether-dashboard-telemetry");
        flusher.setDaemon(true);
        flusher.start();
    }

    /**
     * Microseconds since the epoch from the monotonic clock (so that differences within this JVM are exact):
     * a sample's emit time, and what a client in this JVM compares its receipt time with.
     */
    public static long nowMicros() {
        return EPOCH_MICROS_BASE + (System.nanoTime() - NANO_BASE) / 1000;
    }

    /** Publishes one sample; never blocks. Returns false if it was dropped (the queue is full). */
    public boolean emit(String node, String metric, double value) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return false;
        }
        queue.add(new Sample(node, metric, value, nowMicros()));
        emitted.incrementAndGet();
        return true;
    }

    private void run() {
        StringBuilder b = new StringBuilder(1 << 16);
        while (running) {
            long start = System.nanoTime();
            try {
                drain(b);
            } catch (RuntimeException e) {
                LOG.warn("Dashboard telemetry: a batch failed: {}", e.toString());
            }
            long rest = batchNanos - (System.nanoTime() - start);
            if (rest > 0) {
                LockSupport.parkNanos(rest);
            }
        }
    }

    private void drain(StringBuilder b) {
        while (true) {
            boolean encode = hub.hasTelemetrySubscribers();
            b.setLength(0);
            int n = 0;
            Sample s;
            while (n < MAX_BATCH && (s = queue.poll()) != null) {
                n++;
                if (encode) {
                    if (b.length() > 0) {
                        b.append(',');
                    }
                    b.append("{\"node\":");
                    Json.string(b, s.node).append(",\"metric\":");
                    Json.string(b, s.metric).append(",\"value\":");
                    Json.number(b, s.value).append(",\"e\":").append(s.emitMicros).append('}');
                }
            }
            if (n == 0) {
                return;
            }
            queued.addAndGet(-n);
            published.addAndGet(n);
            batches.incrementAndGet();
            if (encode) {
                hub.telemetry(b.toString(), n);
            }
            if (n < MAX_BATCH) {
                return;
            }
        }
    }

    /** @return emitted, published (handed to the hub), dropped at ingest, batches */
    public long[] counters() {
        return new long[] {emitted.get(), published.get(), dropped.get(), batches.get()};
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(flusher);
        try {
            flusher.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
