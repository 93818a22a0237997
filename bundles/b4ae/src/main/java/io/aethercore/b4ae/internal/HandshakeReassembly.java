package io.aethercore.b4ae.internal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reassembly of fragmented handshake messages from unauthenticated peers (§3.2), within hard limits: at most
 * two INITs in progress per source address and {@code max_reassembly_bytes} held in all (INIT and FINISH
 * partials count against the same budget). Idle INIT partials are NACKed and expire after 3 s. The fragments
 * themselves are kept in {@link Partial}s, which share the record layer's fragment slots.
 */
final class HandshakeReassembly {

    private record PartialKey(InetSocketAddress from, int senderIndex) {}

    private final EngineContext ctx;
    private final Datagrams datagrams;
    private final Object lock = new Object();
    private final Map<PartialKey, Partial> initPartials = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, AtomicInteger> initPartialsPerAddress = new ConcurrentHashMap<>();
    private final AtomicInteger reassemblyBytes = new AtomicInteger();

    HandshakeReassembly(EngineContext ctx, Datagrams datagrams) {
        this.ctx = ctx;
        this.datagrams = datagrams;
    }

    /** Bytes held for partial handshake messages. */
    int bytes() {
        return reassemblyBytes.get();
    }

    int initPartials() {
        return initPartials.size();
    }

    /** Source addresses with a per-address counter (one per address holding an INIT partial). */
    int addressesTracked() {
        return initPartialsPerAddress.size();
    }

    /** Whether adding {@code more} bytes would exceed {@code max_reassembly_bytes}. */
    boolean wouldExceed(int more) {
        return reassemblyBytes.get() + more > ctx.settings().maxReassemblyBytes();
    }

    /** Counts bytes buffered (positive) or released (negative) by a FINISH partial. */
    void account(int delta) {
        reassemblyBytes.addAndGet(delta);
    }

    /** Takes one fragment of a multi-fragment INIT; returns the whole body when it completed one. */
    byte[] addInit(InetSocketAddress from, Wire.Fragment f, byte[] d) {
        ProtocolObserver observer = ctx.observer();
        PartialKey key = new PartialKey(from, f.senderIndex());
        long now = System.nanoTime();
        synchronized (lock) {
            Partial p = initPartials.get(key);
            if (p == null) {
                AtomicInteger held = initPartialsPerAddress.get(from);
                if (held != null && held.get() >= 2 && !evictOldest(from)) {
                    observer.dosAttemptBlocked("limits");
                    return null;
                }
                if (wouldExceed(f.chunkLength())) {
                    observer.dosAttemptBlocked("limits");
                    return null;
                }
                p = new Partial(f, from, now);
                initPartials.put(key, p);
                // the counter exists only while the address holds a partial: a refused source leaves nothing
                initPartialsPerAddress.computeIfAbsent(from, x -> new AtomicInteger()).incrementAndGet();
            }
            if (wouldExceed(f.chunkLength())) {
                observer.dosAttemptBlocked("limits");
                return null;
            }
            int added = p.add(f, d, now);
            if (added < 0) {
                drop(key, p);
                observer.datagramDropped("fragment");
                return null;
            }
            reassemblyBytes.addAndGet(added);
            if (!p.complete()) {
                return null;
            }
            drop(key, p);
            byte[] body = p.assemble();
            if (body == null) {
                observer.datagramDropped("fragment");
            }
            return body;
        }
    }

    /**
     * Makes room for a newer INIT from {@code from} by dropping its oldest partial one (an initiator under loss
     * moves on to a fresh INIT, §5.5; the limit per address stays 2). False when there was none to drop.
     */
    private boolean evictOldest(InetSocketAddress from) {
        PartialKey oldest = null;
        long oldestNanos = Long.MAX_VALUE;
        for (Map.Entry<PartialKey, Partial> e : initPartials.entrySet()) {
            if (e.getKey().from().equals(from) && e.getValue().lastNanos() < oldestNanos) {
                oldest = e.getKey();
                oldestNanos = e.getValue().lastNanos();
            }
        }
        if (oldest == null) {
            return false;
        }
        drop(oldest, initPartials.get(oldest));
        return true;
    }

    private void drop(PartialKey key, Partial p) {
        if (initPartials.remove(key, p)) {
            reassemblyBytes.addAndGet(-p.bytes());
            AtomicInteger c = initPartialsPerAddress.get(key.from());
            if (c != null && c.decrementAndGet() <= 0) {
                initPartialsPerAddress.remove(key.from());
            }
        }
    }

    /** Timer: NACK idle INIT partials, expire them after 3 s (1 s once 3 NACKs went unanswered). */
    void tick(long now) {
        long nackAfter = ctx.settings().fragmentNackMs() * 1_000_000L;
        synchronized (lock) {
            for (Map.Entry<PartialKey, Partial> e : List.copyOf(initPartials.entrySet())) {
                Partial p = e.getValue();
                if (now - p.lastNanos() > 3_000_000_000L || p.nacks() >= 10 && now - p.lastNanos() > 1_000_000_000L) {
                    drop(e.getKey(), p);
                } else if ((p.nacks() + 1) * Wire.NACK_LEN <= p.bytes() && p.nackDue(now, nackAfter, false, 10)) {
                    // never more NACK bytes to an unauthenticated source than it sent (amplification <= 1)
                    datagrams.sendNack(p.from(), Wire.T_INIT, p.senderIndex(), 0, p.missing());
                }
            }
        }
    }
}
