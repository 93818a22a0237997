package io.aethercore.support.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The threads of one engine: every thread it starts is named {@code aethercore-<owner>-<name>[-n]},
 * daemon, tracked, and stopped by {@link #close()} (interrupted, executors shut down, each joined for a
 * bounded time). An engine creates one {@code Workers} when it starts and closes it when it stops, so
 * that deactivating its component, or updating its bundle, leaves none of its threads running.
 *
 * <pre>{@code
 * Workers workers = Workers.create("b4ae");
 * workers.thread("udp-receive", this::receiveLoop);
 * workers.every("tick", Duration.ofMillis(50), this::tick);
 * ExecutorService handshakes = workers.pool("handshake", 2, 256);
 * ...
 * workers.close();
 * }</pre>
 *
 * <p>Periodic tasks run on one shared scheduler thread; a task that throws is reported to the error
 * handler (by default {@code System.err} through the thread's uncaught exception handler, engines pass
 * their logger) and keeps its schedule, because a timer that dies silently is a node that stops
 * rekeying or committing without a word.
 */
public final class Workers implements AutoCloseable {

    /** How long {@link #close()} waits for each thread or executor before it moves on. */
    public static final Duration DEFAULT_JOIN = Duration.ofSeconds(5);

    private final String prefix;
    private final Consumer<Throwable> onError;
    private final Duration join;
    private final List<Thread> threads = new ArrayList<>();
    /** Threads the executors made; dead ones are dropped as new ones come (a pool's threads time out). */
    private final List<Thread> executorThreads = new ArrayList<>();
    private final List<ExecutorService> executors = new ArrayList<>();
    private final AtomicInteger poolCount = new AtomicInteger();
    private ScheduledExecutorService shared;
    private boolean closed;

    private Workers(String owner, Consumer<Throwable> onError, Duration join) {
        this.prefix = "aethercore-" + Objects.requireNonNull(owner, "owner") + "-";
        this.onError = Objects.requireNonNull(onError, "onError");
        this.join = Objects.requireNonNull(join, "join");
    }

    /** Workers whose task failures go to the thread's uncaught exception handler. */
    public static Workers create(String owner) {
        return new Workers(owner, Workers::uncaught, DEFAULT_JOIN);
    }

    /** Workers that report task failures to {@code onError} (an engine's logger) and wait {@code join} per thread on close. */
    public static Workers create(String owner, Consumer<Throwable> onError, Duration join) {
        return new Workers(owner, onError, join);
    }

    /** The full name a thread called {@code name} gets. */
    public String threadName(String name) {
        return prefix + name;
    }

    /** Starts a daemon thread running {@code body}; it should end when interrupted. */
    public synchronized Thread thread(String name, Runnable body) {
        checkOpen();
        Thread t = new Thread(body, threadName(name));
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return t;
    }

    /** A single-threaded scheduler of its own, for work that must not wait behind other periodic tasks. */
    public synchronized ScheduledExecutorService scheduler(String name) {
        checkOpen();
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, factory(name, false));
        s.setRemoveOnCancelPolicy(true);
        s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executors.add(s);
        return s;
    }

    /**
     * A bounded pool: {@code threads} threads, at most {@code queueCapacity} waiting tasks; beyond that,
     * {@code execute} throws {@link RejectedExecutionException} (shed load rather than queue without bound).
     */
    public synchronized ExecutorService pool(String name, int threads, int queueCapacity) {
        checkOpen();
        if (threads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("a pool needs at least one thread and one queue slot");
        }
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queueCapacity), factory(name, true), new ThreadPoolExecutor.AbortPolicy());
        p.allowCoreThreadTimeOut(true);
        executors.add(p);
        return p;
    }

    /**
     * Runs {@code task} every {@code period} (fixed delay) on the shared scheduler thread. A task that
     * throws is reported and runs again at its next period.
     */
    public ScheduledFuture<?> every(String name, Duration period, Runnable task) {
        Objects.requireNonNull(task, "task");
        long nanos = period.toNanos();
        if (nanos <= 0) {
            throw new IllegalArgumentException(name + ": period must be positive");
        }
        return shared().scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                onError.accept(new IllegalStateException("periodic task " + name + " failed", e));
            }
        }, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} once after {@code delay} on the shared scheduler thread. */
    public ScheduledFuture<?> after(String name, Duration delay, Runnable task) {
        Objects.requireNonNull(task, "task");
        return shared().schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                onError.accept(new IllegalStateException("task " + name + " failed", e));
            }
        }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    private synchronized ScheduledExecutorService shared() {
        checkOpen();
        if (shared == null) {
            shared = scheduler("timer");
        }
        return shared;
    }

    /** The threads started with {@link #thread} that are still alive (for status and tests). */
    public synchronized List<Thread> liveThreads() {
        return threads.stream().filter(Thread::isAlive).toList();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Stops everything: executors are shut down now (running tasks interrupted), threads interrupted,
     * and each thread, the executors' own included, is waited for up to the join bound (an executor
     * reports termination a moment before its last thread has ended). Idempotent; safe to call from one of its own threads
     * (that thread is not waited for).
     *
     * @return true if every thread and executor ended within the bound
     */
    public boolean closeAll() {
        List<Thread> ts;
        List<ExecutorService> es;
        synchronized (this) {
            if (closed) {
                return true;
            }
            closed = true;
            ts = new ArrayList<>(threads);
            ts.addAll(executorThreads);
            es = List.copyOf(executors);
        }
        for (ExecutorService e : es) {
            e.shutdownNow();
        }
        for (Thread t : ts) {
            t.interrupt();
        }
        boolean clean = true;
        long deadline = System.nanoTime() + join.toNanos();
        boolean interrupted = false;
        for (ExecutorService e : es) {
            try {
                clean &= e.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException ie) {
                interrupted = true;
                clean = false;
            }
        }
        for (Thread t : ts) {
            if (t == Thread.currentThread()) {
                continue;
            }
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException ie) {
                interrupted = true;
            }
            clean &= !t.isAlive();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return clean;
    }

    @Override
    public void close() {
        closeAll();
    }

    private void checkOpen() {
        if (closed) {
            throw new RejectedExecutionException(prefix + "workers are closed");
        }
    }

    private ThreadFactory factory(String name, boolean numbered) {
        AtomicInteger n = numbered ? poolCount : null;
        return r -> {
            Thread t = new Thread(r, numbered ? threadName(name) + "-" + n.incrementAndGet() : threadName(name));
            t.setDaemon(true);
            synchronized (this) {
                executorThreads.removeIf(x -> x.getState() == Thread.State.TERMINATED);
                executorThreads.add(t);
            }
            return t;
        };
    }

    private static void uncaught(Throwable e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
    }

    @Override
    public synchronized String toString() {
        return prefix + "workers[" + threads.size() + " threads, " + executors.size() + " executors"
                + (closed ? ", closed" : "") + "]";
    }
}
