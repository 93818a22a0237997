package io.aethercore.b4ae.internal;

import java.net.InetSocketAddress;

/** A Mode B responder handshake waiting for FINISH; callers lock it around changes of the FINISH reassembly. */
final class PendingResp {

    private final Handshakes.Responder r;
    private final InetSocketAddress address;
    private final byte[][] datagrams;
    private final long startedNanos;
    private long sentNanos;
    private int resends;
    private Partial finish;
    private volatile int missing = -1;

    PendingResp(Handshakes.Responder r, InetSocketAddress address, byte[][] datagrams, long now) {
        this.r = r;
        this.address = address;
        this.datagrams = datagrams;
        this.startedNanos = now;
        this.sentNanos = now;
    }

    Handshakes.Responder responder() { return r; }
    InetSocketAddress address() { return address; }
    byte[][] datagrams() { return datagrams; }
    long startedNanos() { return startedNanos; }

    synchronized Partial finish() { return finish; }

    /** The RESP fragments the initiator's last NACK listed (-1: not known). */
    int missing() { return missing; }

    void nacked(int mask) { missing = mask; }

    synchronized void setFinish(Partial p) {
        finish = p;
    }

    /** Whether RESP is due again (no FINISH fragment yet, retry time passed, fewer than 3 resends); counts it. */
    synchronized boolean resendDue(long now, long retryNanos) {
        if (finish == null && now - sentNanos > retryNanos && resends < 3) {
            resends++;
            sentNanos = now;
            return true;
        }
        return false;
    }
}
