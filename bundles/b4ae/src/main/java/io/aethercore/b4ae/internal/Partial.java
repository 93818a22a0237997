package io.aethercore.b4ae.internal;

import io.aethercore.b4ae.internal.padding.FragmentSlots;
import java.net.InetSocketAddress;

/**
 * One handshake message being reassembled from fragments (§3.2): the fragment header of the first fragment,
 * checked against every later one, around the {@link FragmentSlots} the record layer's reassembly uses too.
 * First copy of a fragment wins; the finished message must tile [0, total) exactly. Also counts the NACKs
 * sent for it. Not thread-safe: the owner locks.
 */
final class Partial {

    private final int type;
    private final int mode;
    private final int senderIndex;
    private final int count;
    private final int total;
    private final InetSocketAddress from;
    private final FragmentSlots slots;
    private long lastNanos;
    private int nacks;

    Partial(Wire.Fragment f, InetSocketAddress from, long now) {
        this.type = f.type();
        this.mode = f.mode();
        this.senderIndex = f.senderIndex();
        this.count = f.count();
        this.total = f.total();
        this.from = from;
        this.slots = new FragmentSlots(count);
        this.lastNanos = now;
    }

    boolean fits(Wire.Fragment f) {
        return f.type() == type && f.mode() == mode && f.senderIndex() == senderIndex && f.count() == count
                && f.total() == total;
    }

    /**
     * Adds a fragment's chunk.
     *
     * @return bytes newly buffered (0 for a duplicate), or -1 when the fragment contradicts the message
     */
    int add(Wire.Fragment f, byte[] d, long now) {
        if (!fits(f)) {
            return -1;
        }
        lastNanos = now;
        if (slots.has(f.index())) {
            return 0;
        }
        if (slots.held() + f.chunkLength() > total) {
            return -1;
        }
        return slots.put(f.index(), f.offset(), d, f.chunkOffset(), f.chunkLength());
    }

    int bytes() {
        return (int) slots.held();
    }

    boolean complete() {
        return slots.complete();
    }

    /** Bitmap of missing fragment indices. */
    int missing() {
        return slots.missing();
    }

    /** The message if the chunks tile [0, total) in index order; null otherwise. */
    byte[] assemble() {
        return slots.assemble(total);
    }

    int senderIndex() {
        return senderIndex;
    }

    InetSocketAddress from() {
        return from;
    }

    long lastNanos() {
        return lastNanos;
    }

    int nacks() {
        return nacks;
    }

    /**
     * Whether a NACK is due: idle longer than {@code idleNanos} and fewer than 3 sent. When due, counts it
     * and, if {@code restartIdle}, restarts the idle time.
     */
    boolean nackDue(long now, long idleNanos, boolean restartIdle) {
        return nackDue(now, idleNanos, restartIdle, 3);
    }

    /** As {@link #nackDue(long, long, boolean)} with at most {@code max} NACKs (the owner's lifetime bounds them). */
    boolean nackDue(long now, long idleNanos, boolean restartIdle, int max) {
        if (now - lastNanos > idleNanos && nacks < max) {
            nacks++;
            if (restartIdle) {
                lastNanos = now;
            }
            return true;
        }
        return false;
    }
}
