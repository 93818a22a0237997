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
 * thread drains the queue every {@code telemetry.batch_ms}, encodes the batch once (columnar: a node and
 * metric dictionary, then four numbers per sample) and hands the same string to every subscribed client. The queue is bounded: beyond {@value #MAX_QUEUED} waiting samples new
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
        this.flusher = new Thread(this::run, "aethercore-dashboard-telemetry");
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
        java.util.Map<String, Integer> nodes = new java.util.HashMap<>();
        java.util.Map<String, Integer> metrics = new java.util.HashMap<>();
        StringBuilder n = new StringBuilder(4096);
        StringBuilder m = new StringBuilder(256);
        while (true) {
            boolean encode = hub.hasTelemetrySubscribers();
            b.setLength(0);
            n.setLength(0);
            m.setLength(0);
            nodes.clear();
            metrics.clear();
            int count = 0;
            long e0 = 0;
            Sample s;
            while (count < MAX_BATCH && (s = queue.poll()) != null) {
                if (encode) {
                    if (count == 0) {
                        e0 = s.emitMicros;
                    } else {
                        b.append(',');
                    }
                    b.append(index(nodes, n, s.node)).append(',').append(index(metrics, m, s.metric)).append(',');
                    Json.number(b, s.value).append(',').append(s.emitMicros - e0);
                }
                count++;
            }
            if (count == 0) {
                return;
            }
            queued.addAndGet(-count);
            published.addAndGet(count);
            batches.incrementAndGet();
            if (encode) {
                String batch = "{\"e0\":" + e0 + ",\"nodes\":[" + n + "],\"metrics\":[" + m + "],\"s\":[" + b + "]}";
                hub.telemetry(batch, count);
            }
            if (count < MAX_BATCH) {
                return;
            }
        }
    }

    /** The index of {@code name} in a batch's dictionary, adding it (JSON-escaped) on first use. */
    private static int index(java.util.Map<String, Integer> dict, StringBuilder out, String name) {
        Integer i = dict.get(name);
        if (i == null) {
            i = dict.size();
            dict.put(name, i);
            if (i > 0) {
                out.append(',');
            }
            Json.string(out, name);
        }
        return i;
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
