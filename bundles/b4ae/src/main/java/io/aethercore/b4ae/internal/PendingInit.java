package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * An initiator handshake in progress: one per connect (or rekey), re-sent with fresh INITs until it completes
 * or runs out of attempts. Callers lock the instance around a read-modify-write of its state.
 */
final class PendingInit {

    private final String peer;
    private final InetSocketAddress address;
    private final CompletableFuture<Session> future;
    private final Mode requested;
    private final long startedNanos;
    private final boolean enrol;
    private int attempts;
    private Handshakes.Initiator hs;
    private byte[][] datagrams;       // INIT fragments as last sent
    private byte[][] mac1s;
    private byte[] cookie;
    private long cookieNanos;
    private long sentNanos;
    private Partial resp;
    private boolean done;
    private boolean dead;   // the current INIT's ephemeral keys are spent; wait for the next INIT

    PendingInit(String peer, InetSocketAddress address, Mode requested, CompletableFuture<Session> future) {
        this(peer, address, requested, future, false);
    }

    /** @param enrol Mode B with this node's key included in FINISH, for a responder that has not pinned it */
    PendingInit(String peer, InetSocketAddress address, Mode requested, CompletableFuture<Session> future,
                boolean enrol) {
        this.enrol = enrol;
        this.peer = peer;
        this.address = address;
        this.requested = requested;
        this.future = future;
        this.startedNanos = System.nanoTime();
    }

    String peer() { return peer; }
    InetSocketAddress address() { return address; }
    CompletableFuture<Session> future() { return future; }
    Mode requested() { return requested; }
    long startedNanos() { return startedNanos; }
    boolean enrol() { return enrol; }

    synchronized int attempts() { return attempts; }
    synchronized Handshakes.Initiator hs() { return hs; }
    synchronized byte[][] datagrams() { return datagrams; }
    synchronized byte[][] mac1s() { return mac1s; }
    synchronized long sentNanos() { return sentNanos; }
    synchronized boolean done() { return done; }
    synchronized Partial resp() { return resp; }

    /** Whether a reply to the current INIT can still be taken. */
    synchronized boolean live() {
        return !done && !dead && hs != null;
    }

    /** A fresh INIT replaces the last one; returns the replaced handshake (or null). */
    synchronized Handshakes.Initiator restart(Handshakes.Initiator next, byte[][] initDatagrams) {
        Handshakes.Initiator old = hs;
        hs = next;
        dead = false;
        attempts++;
        resp = null;
        datagrams = initDatagrams;
        mac1s = new byte[initDatagrams.length][];
        return old;
    }

    synchronized void sent(long now) {
        sentNanos = now;
    }

    synchronized void setResp(Partial p) {
        resp = p;
    }

    synchronized void setDone(boolean d) {
        done = d;
    }

    /** A RESP failed in a way a forged one could: the next (fresh) INIT may still succeed. */
    synchronized void markDead() {
        done = false;
        dead = true;
    }

    synchronized void setCookie(byte[] c, long now) {
        cookie = c;
        cookieNanos = now;
    }

    /** Sets mac2 of the INIT datagrams from the cookie (if fresh) and records their mac1s (§4). */
    synchronized void reMac2(Suite s, int expirySeconds) {
        boolean fresh = cookie != null && System.nanoTime() - cookieNanos < (expirySeconds - 2) * 1_000_000_000L;
        for (int i = 0; i < datagrams.length; i++) {
            byte[] d = datagrams[i];
            int len = d.length;
            mac1s[i] = Bytes.slice(d, len - 32, 16);
            byte[] mac2 = fresh ? s.mac(CookieGuard.mac2Key(s, cookie), d, 0, len - 16) : new byte[16];
            System.arraycopy(mac2, 0, d, len - 16, 16);
        }
    }
}
