package io.aethercore.b4ae.internal;

import java.net.InetSocketAddress;

/**
 * A completed Mode B initiator handshake keeps FINISH until the responder confirms the keys: it is re-sent every
 * repair interval (the fragments the responder's last NACK listed, else all) and answers NACKs (§3.3, §5.5).
 */
final class Finished {

    private final int respIndex;
    private final InetSocketAddress address;
    private final byte[][] datagrams;
    private final long untilNanos;
    private int missing = -1;
    private long sentNanos;
    private int resends;

    Finished(int respIndex, InetSocketAddress address, byte[][] datagrams, long untilNanos) {
        this.respIndex = respIndex;
        this.address = address;
        this.datagrams = datagrams;
        this.untilNanos = untilNanos;
        this.sentNanos = System.nanoTime();
    }

    int respIndex() { return respIndex; }
    InetSocketAddress address() { return address; }
    byte[][] datagrams() { return datagrams; }
    long untilNanos() { return untilNanos; }

    /** The fragments the responder lacks as far as this node knows (-1: all). */
    synchronized int missing() {
        return missing;
    }

    /** A NACK from the responder named what it lacks. */
    synchronized void nacked(int mask, long now) {
        missing = mask;
        sentNanos = now;
    }

    /** Whether FINISH is due again (the first time after twice the interval, so a NACK comes first); counts it. */
    synchronized boolean resendDue(long now, long intervalNanos) {
        if (now - sentNanos >= (resends == 0 ? 2 * intervalNanos : intervalNanos)) {
            resends++;
            sentNanos = now;
            return true;
        }
        return false;
    }
}
