package io.aethercore.support.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Group commit: callers queue items, one committer thread takes what is queued as a batch and hands it
 * to a {@link Committer} (which writes and syncs it once for the whole batch), then takes the next.
 *
 * <p>Batching: the committer starts a batch as soon as something is queued, or, with a {@code window},
 * when the oldest queued item (or {@link #poke() poke}) has waited that long; an urgent item, or
 * {@code urgentAt} queued items, start it at once, and so does {@link #close()}. A batch holds at most
 * {@code maxBatch} items. With a {@code capacity}, {@link #put} waits while that many items are queued
 * (back-pressure); room is given back when the committer takes a batch.
 *
 * <p>The Merkle logs (sync per batch within {@code group.commit.ms}) and the audit log (store, sync, then
 * Merkle append per batch) both commit through it; the thread comes from the caller, normally {@link
 * Workers#thread}.
 *
 * <p>Close: nothing is accepted any more ({@link #put}/{@link #offer} answer {@code false}), the
 * committer commits what is queued without waiting for the window and stops.
 *
 * @param <T> what is queued
 */
public final class GroupCommit<T> implements AutoCloseable {

    /** Commits one batch; called on the committer thread only, one batch at a time. */
    @FunctionalInterface
    public interface Committer<T> {
        void commit(List<T> batch);
    }

    /**
     * How batches form.
     *
     * @param window how long the oldest queued item may wait for company; zero: commit at once
     * @param maxBatch most items in one batch; {@code 0}: no limit
     * @param capacity most items queued before {@link #put} waits; {@code 0}: no limit
     * @param urgentAt this many queued items start a batch without waiting for the window; {@code 0}: never
     */
    public record Options(Duration window, int maxBatch, int capacity, int urgentAt) {
        public Options {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || maxBatch < 0 || capacity < 0 || urgentAt < 0
                    || (capacity > 0 && maxBatch > capacity)) {
                throw new IllegalArgumentException("bad group commit options " + window + " " + maxBatch + " "
                        + capacity + " " + urgentAt);
            }
        }
    }

    private final String name;
    private final Options options;
    private final long windowNanos;
    private final Committer<T> committer;
    private final Semaphore room;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private ArrayList<T> queue = new ArrayList<>();   // guarded by lock
    private boolean poked;                             // guarded by lock: work without an item
    private boolean urgent;                            // guarded by lock
    private long pendingSince;                         // guarded by lock
    private volatile boolean closed;
    private final Thread thread;

    private GroupCommit(String name, Options options, Committer<T> committer, Function<Runnable, Thread> starter) {
        this.name = name;
        this.options = options;
        this.windowNanos = options.window().toNanos();
        this.committer = committer;
        this.room = options.capacity() > 0 ? new Semaphore(options.capacity()) : null;
        this.thread = starter.apply(this::loop);
    }

    /**
     * Starts the committer.
     *
     * @param name for log messages
     * @param starter makes and starts the committer thread running its argument, and returns it
     */
    public static <T> GroupCommit<T> start(String name, Options options, Committer<T> committer,
            Function<Runnable, Thread> starter) {
        return new GroupCommit<>(name, options, committer, starter);
    }

    /**
     * Queues an item, waiting while the queue is at capacity.
     *
     * @return false if closed (the item is not queued)
     */
    public boolean put(T item) throws InterruptedException {
        if (room != null) {
            room.acquire();
        }
        return enqueue(item, false);
    }

    /**
     * Queues an item without waiting.
     *
     * @param now start a batch at once instead of waiting for the window
     * @return false if closed, or at capacity (the item is not queued)
     */
    public boolean offer(T item, boolean now) {
        if (room != null && !room.tryAcquire()) {
            return false;
        }
        return enqueue(item, now);
    }

    private boolean enqueue(T item, boolean now) {
        lock.lock();
        try {
            if (closed) {
                if (room != null) {
                    room.release();
                }
                return false;
            }
            if (queue.isEmpty() && !poked) {
                pendingSince = System.nanoTime();
            }
            queue.add(item);
            if (now || (options.urgentAt() > 0 && queue.size() >= options.urgentAt())) {
                urgent = true;
            }
            work.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Asks for a batch within the window although no item is queued (work the committer finds itself). */
    public void poke() {
        lock.lock();
        try {
            if (!poked) {
                if (queue.isEmpty()) {
                    pendingSince = System.nanoTime();
                }
                poked = true;
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes more queued items, from the oldest on, while {@code covered} holds: items that arrived
     * while a batch was committed and that its commit covered already. For the committer, or after close.
     */
    public List<T> takeWhile(Predicate<? super T> covered) {
        List<T> out = new ArrayList<>();
        lock.lock();
        try {
            int n = 0;
            while (n < queue.size() && covered.test(queue.get(n))) {
                n++;
            }
            if (n > 0) {
                List<T> head = queue.subList(0, n);
                out.addAll(head);
                head.clear();
            }
        } finally {
            lock.unlock();
        }
        if (room != null && !out.isEmpty()) {
            room.release(out.size());
        }
        return out;
    }

    private void loop() {
        while (true) {
            List<T> batch;
            lock.lock();
            try {
                while (queue.isEmpty() && !poked && !closed) {
                    work.awaitUninterruptibly();
                }
                if (queue.isEmpty() && !poked) {
                    return; // closed, nothing left
                }
                if (windowNanos > 0) {
                    long deadline = pendingSince + windowNanos;
                    while (!urgent && !closed) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        try {
                            work.awaitNanos(left);
                        } catch (InterruptedException e) {
                            break;
                        }
                    }
                }
                urgent = false;
                poked = false;
                int max = options.maxBatch();
                if (max == 0 || queue.size() <= max) {
                    batch = queue;
                    queue = new ArrayList<>();
                } else {
                    batch = new ArrayList<>(queue.subList(0, max));
                    queue.subList(0, max).clear();
                }
            } finally {
                lock.unlock();
            }
            if (room != null && !batch.isEmpty()) {
                room.release(batch.size());
            }
            try {
                committer.commit(batch);
            } catch (RuntimeException e) { // a committer answers its items itself; this is a bug: say it, go on
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, new IllegalStateException("group commit '" + name
                        + "': a batch of " + batch.size() + " failed unexpectedly", e));
            }
            lock.lock();
            try {
                if (!queue.isEmpty()) {
                    pendingSince = System.nanoTime(); // the window of what came meanwhile starts now
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** True once {@link #close} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops accepting items; the committer commits what is queued and stops. Waits for it up to {@code
     * timeout}. Idempotent.
     */
    public void close(Duration timeout) {
        lock.lock();
        try {
            closed = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(Math.max(1, timeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@link #close(Duration)} waiting up to 10 seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
