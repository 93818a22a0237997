package io.aethercore.audit.internal;

import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.AuditSink;
import io.aethercore.api.audit.SinkStatus;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.support.lifecycle.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fan-out of committed records and published checkpoints to the sinks. Each sink has its own bounded
 * queue and delivery thread: {@link #publish} only offers to queues (never blocks), a full queue drops
 * the item for that sink and counts it, and a sink that throws has the item counted as failed. The
 * primary record is already durable when it gets here, so no sink can lose it.
 */
public final class SinkHub {

    private static final Logger LOG = LoggerFactory.getLogger(SinkHub.class);
    public static final int DEFAULT_CAPACITY = 10_000;

    private final CopyOnWriteArrayList<Dispatcher> dispatchers = new CopyOnWriteArrayList<>();
    private final Workers workers;

    /** @param workers where the delivery threads come from (named {@code sink-<name>}) */
    public SinkHub(Workers workers) {
        this.workers = workers;
    }

    /** One sink's queue, thread and counters. */
    private static final class Dispatcher implements Runnable {
        private final AuditSink sink;
        private final String name;
        private final UnaryOperator<String> identityHash; // null: identities as they are
        private final ArrayBlockingQueue<Object> queue;
        private final AtomicLong delivered = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private volatile String lastError;
        private volatile boolean running = true;
        private Thread thread;

        Dispatcher(AuditSink sink, String name, int capacity, UnaryOperator<String> identityHash) {
            this.sink = sink;
            this.name = name;
            this.identityHash = identityHash;
            this.queue = new ArrayBlockingQueue<>(Math.max(1, capacity));
        }

        void start(Workers workers) {
            thread = workers.thread("sink-" + name, this);
        }

        AuditSink sink() {
            return sink;
        }

        /** Stops delivery: what is queued is delivered for up to a second, then dropped and counted. */
        void stop() {
            running = false;
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread.interrupt();
            LOG.info("Audit sink '{}' removed ({} delivered, {} dropped, {} failed)", name, delivered.get(),
                    dropped.get() + queue.size(), failed.get());
        }

        void offer(Object item) {
            if (!queue.offer(item)) {
                long d = dropped.incrementAndGet();
                if (Long.bitCount(d) == 1) { // 1, 2, 4, 8 ...: say it, but do not flood the log
                    LOG.warn("Audit sink '{}' is not keeping up: {} item(s) dropped so far (queue of {})", name, d,
                            queue.remainingCapacity() + queue.size());
                }
            }
        }

        @Override
        public void run() {
            while (running || !queue.isEmpty()) {
                Object item;
                try {
                    item = queue.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    if (!running) {
                        break;
                    }
                    continue;
                }
                if (item == null) {
                    continue;
                }
                try {
                    if (item instanceof AuditRecord r) {
                        sink.accept(identityHash == null ? r : r.withHashedIdentities(identityHash));
                    } else {
                        sink.acceptCheckpoint((SignedCheckpoint) item);
                    }
                    delivered.incrementAndGet();
                } catch (Exception | LinkageError e) {
                    long f = failed.incrementAndGet();
                    lastError = e.toString();
                    if (Long.bitCount(f) == 1) {
                        LOG.warn("Audit sink '{}' failed to deliver ({} failure(s) so far): {}", name, f, e.toString());
                    }
                }
                if (queue.isEmpty()) {
                    try {
                        sink.flush();
                    } catch (Exception | LinkageError e) {
                        lastError = e.toString();
                    }
                }
            }
        }

        SinkStatus status() {
            return new SinkStatus(name, delivered.get(), dropped.get(), failed.get(), queue.size(),
                    queue.size() + queue.remainingCapacity(), lastError);
        }
    }

    /** Adds a sink; {@code identityHash} non-null hashes its identities. */
    public void add(AuditSink sink, String name, int capacity, UnaryOperator<String> identityHash) {
        Dispatcher d = new Dispatcher(sink, name, capacity, identityHash);
        dispatchers.add(d);
        d.start(workers);
        LOG.info("Audit sink '{}' added (queue of {}{})", name, capacity, identityHash == null ? "" : ", identities hashed");
    }

    /** Removes a sink; what is queued for it is delivered for up to a second, then dropped and counted. */
    public void remove(AuditSink sink) {
        for (Dispatcher d : dispatchers) {
            if (d.sink() == sink) {
                dispatchers.remove(d);
                d.stop();
            }
        }
    }

    public void publish(AuditRecord record) {
        for (Dispatcher d : dispatchers) {
            d.offer(record);
        }
    }

    public void publish(SignedCheckpoint checkpoint) {
        for (Dispatcher d : dispatchers) {
            d.offer(checkpoint);
        }
    }

    public List<SinkStatus> status() {
        List<SinkStatus> out = new ArrayList<>();
        for (Dispatcher d : dispatchers) {
            out.add(d.status());
        }
        return out;
    }

    public void close() {
        for (Dispatcher d : dispatchers) {
            remove(d.sink());
        }
    }
}
