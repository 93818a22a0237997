package io.aethercore.b4ae.internal;

import io.aethercore.support.lifecycle.Workers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Who may make the responder do public-key work, and where that work runs (docs/b4ae-protocol.md §4.4):
 * <ul>
 *   <li>a token bucket per source IP address for INITs from unknown addresses that passed the cookie check
 *       under load: {@value #BURST} at once, then {@value #PER_SECOND} per second (known addresses are exempt);</li>
 *   <li>a cap of {@value #PENDING_PER_SOURCE} Mode B responder handshakes waiting for FINISH per source, and a
 *       share of the table ({@code max_pending_responders}) that only known addresses may use;</li>
 *   <li>a bounded pool of handshake workers off the transport's receive thread, with two queues: work for
 *       known addresses (open sessions, configured peer addresses) is always taken first, so unauthenticated
 *       senders can never starve the node's peers; a full queue drops the message (counted).</li>
 * </ul>
 * "Known" is judged by address because a Mode B INIT names nobody before FINISH; under load the address is
 * proven by the cookie (it is bound to it), so a spoofer cannot borrow a peer's priority.
 */
final class HandshakeAdmission implements AutoCloseable {

    /** Tokens a source holds at most (INITs that may go to public-key work at once). */
    static final int BURST = 8;
    /** Tokens a source earns per second. */
    static final int PER_SECOND = 2;
    /** Mode B responder handshakes waiting for FINISH per source. */
    static final int PENDING_PER_SOURCE = 4;
    /** Queued handshake messages per queue (known, other). */
    static final int QUEUE = 64;
    /** Buckets kept at most; idle full buckets are forgotten first. */
    static final int MAX_BUCKETS = 65_536;

    private static final long NANOS_PER_TOKEN = 1_000_000_000L / PER_SECOND;

    /** A source's bucket: tokens as of {@code stamp}. */
    private static final class Bucket {
        long stamp;
        double tokens;

        Bucket(long now) {
            stamp = now;
            tokens = BURST;
        }
    }

    private final LongSupplier nanos;
    private final Map<Object, Bucket> buckets = new ConcurrentHashMap<>();
    private final Map<Object, Integer> pending = new ConcurrentHashMap<>();
    private final BlockingQueue<Runnable> known = new ArrayBlockingQueue<>(QUEUE);
    private final BlockingQueue<Runnable> other = new ArrayBlockingQueue<>(QUEUE);
    private final Semaphore work = new Semaphore(0);
    private final Workers workers;
    private volatile boolean closed;

    /** @param threads handshake workers (0: run on the caller's thread, for tests of the logic alone) */
    HandshakeAdmission(int threads, LongSupplier nanos) {
        this.nanos = nanos;
        this.workers = threads > 0 ? Workers.create("b4ae-handshakes") : null;
        for (int i = 0; i < threads; i++) {
            workers.thread("worker-" + (i + 1), this::run);
        }
    }

    /** The bucket and pending-count key: the IP address, or the exact address for a known peer (not shared). */
    static Object source(InetSocketAddress from, boolean knownPeer) {
        if (knownPeer) {
            return from;
        }
        InetAddress a = from.getAddress();
        return a != null ? a : from.getHostString();
    }

    /** Takes one token from the source's bucket; false: rate-limited. */
    boolean allowInit(Object source) {
        long now = nanos.getAsLong();
        if (buckets.size() >= MAX_BUCKETS && !buckets.containsKey(source)) {
            forgetIdle(now);
            if (buckets.size() >= MAX_BUCKETS) {
                return false;
            }
        }
        Bucket b = buckets.computeIfAbsent(source, k -> new Bucket(now));
        synchronized (b) {
            b.tokens = Math.min(BURST, b.tokens + (double) (now - b.stamp) / NANOS_PER_TOKEN);
            b.stamp = now;
            if (b.tokens < 1) {
                return false;
            }
            b.tokens -= 1;
            return true;
        }
    }

    /** Drops buckets that have refilled completely (they hold nothing a new bucket would not). */
    void forgetIdle(long now) {
        long full = (long) BURST * NANOS_PER_TOKEN;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket b = it.next();
            synchronized (b) {
                if (now - b.stamp >= full) {
                    it.remove();
                }
            }
        }
    }

    /** Reserves a pending-handshake slot for the source; false when it already holds its share. */
    boolean reservePending(Object source) {
        boolean[] ok = {false};
        pending.compute(source, (k, n) -> {
            int c = n == null ? 0 : n;
            if (c >= PENDING_PER_SOURCE) {
                return n;
            }
            ok[0] = true;
            return c + 1;
        });
        return ok[0];
    }

    /** Gives back a slot taken with {@link #reservePending(Object)}. */
    void releasePending(Object source) {
        pending.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
    }

    int pendingOf(Object source) {
        return pending.getOrDefault(source, 0);
    }

    /** Queues handshake work; known peers' work is taken first. False when its queue is full (dropped). */
    boolean submit(boolean knownPeer, Runnable task) {
        if (closed) {
            return false;
        }
        if (workers == null) {
            task.run();
            return true;
        }
        if (!(knownPeer ? known : other).offer(task)) {
            return false;
        }
        work.release();
        return true;
    }

    /** Handshake messages waiting for a worker. */
    int queued() {
        return known.size() + other.size();
    }

    private void run() {
        while (!closed) {
            try {
                if (!work.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            Runnable r = known.poll();
            if (r == null) {
                r = other.poll();
            }
            if (r != null && !closed) {
                r.run(); // tasks catch their own failures
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        known.clear();
        other.clear();
        if (workers != null) {
            workers.close();
        }
    }
}
