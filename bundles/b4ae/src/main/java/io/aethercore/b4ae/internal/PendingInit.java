package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An initiator handshake in progress: one per connect (or rekey). Its current INIT is re-sent every repair
 * interval; fresh INITs (new ephemeral keys and index) start at growing intervals, and the earlier ones stay
 * live until the connect completes or fails, so a RESP to any of them completes it (§5.4, §5.5). Callers lock
 * the instance around a read-modify-write of its state.
 */
final class PendingInit {

    /** Fresh INITs whose ephemeral state is kept at once; the oldest goes first. */
    static final int MAX_LIVE = 8;

    /** One INIT attempt: its handshake state, its datagrams and the RESP being reassembled for it. */
    static final class Attempt {
        final Handshakes.Initiator hs;
        final byte[][] datagrams;
        final byte[][] mac1s;
        Partial resp;
        boolean dead;   // a RESP to it failed in a way a forged one could: its ephemeral keys are spent

        Attempt(Handshakes.Initiator hs, byte[][] datagrams) {
            this.hs = hs;
            this.datagrams = datagrams;
            this.mac1s = new byte[datagrams.length][];
        }
    }

    private final String peer;
    private final InetSocketAddress address;
    private final CompletableFuture<Session> future;
    private final Mode requested;
    private final long startedNanos;
    private final boolean enrol;
    private final Map<Integer, Attempt> live = new LinkedHashMap<>();
    private int attempts;
    private Attempt current;
    private byte[] cookie;
    private long cookieNanos;
    private long sentNanos;
    private long freshNanos;
    private boolean done;
    private int resends;   // of the current attempt

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
    /** The newest attempt's handshake. */
    synchronized Handshakes.Initiator hs() { return current == null ? null : current.hs; }
    synchronized byte[][] datagrams() { return current == null ? null : current.datagrams; }
    synchronized long sentNanos() { return sentNanos; }
    synchronized long freshNanos() { return freshNanos; }
    synchronized boolean done() { return done; }

    /** The live attempt with this sender index, or null. */
    synchronized Attempt attempt(int index) {
        return live.get(index);
    }

    synchronized List<Attempt> attemptsLive() {
        return new ArrayList<>(live.values());
    }

    /** Whether a reply to the attempt {@code index} can still be taken. */
    synchronized boolean live(int index) {
        Attempt a = live.get(index);
        return !done && a != null && !a.dead;
    }

    /** A fresh INIT becomes the current one; returns the attempt that no longer fits (or null). */
    synchronized Attempt restart(Handshakes.Initiator next, byte[][] initDatagrams, long now) {
        attempts++;
        current = new Attempt(next, initDatagrams);
        live.put(next.index(), current);
        freshNanos = now;
        resends = 0;
        if (live.size() > MAX_LIVE) {
            Iterator<Attempt> it = live.values().iterator();
            Attempt eldest = it.next();
            it.remove();
            return eldest;
        }
        return null;
    }

    /** Takes every attempt out (the connect completed or failed). */
    synchronized List<Attempt> drain() {
        List<Attempt> all = new ArrayList<>(live.values());
        live.clear();
        return all;
    }

    synchronized void sent(long now) {
        sentNanos = now;
    }

    /**
     * The wait before the current INIT goes out again: twice the repair interval the first time (a NACK or the
     * answer gets its chance first, so a clean link sees no re-send), the repair interval after that.
     */
    synchronized long resendGap(long repairNanos) {
        return resends == 0 ? 2 * repairNanos : repairNanos;
    }

    synchronized void resent(long now) {
        resends++;
        sentNanos = now;
    }

    synchronized void setDone(boolean d) {
        done = d;
    }

    synchronized void setCookie(byte[] c, long now) {
        cookie = c;
        cookieNanos = now;
    }

    /** The cookie last received from the responder, or null. */
    synchronized byte[] cookie() {
        return cookie;
    }

    /** Sets mac2 of the attempt's INIT datagrams from the cookie (if fresh) and records their mac1s (§4). */
    synchronized void reMac2(Attempt a, Suite s, int expirySeconds) {
        boolean fresh = cookie != null && System.nanoTime() - cookieNanos < (expirySeconds - 2) * 1_000_000_000L;
        for (int i = 0; i < a.datagrams.length; i++) {
            byte[] d = a.datagrams[i];
            int len = d.length;
            a.mac1s[i] = Bytes.slice(d, len - 32, 16);
            byte[] mac2 = fresh ? s.mac(CookieGuard.mac2Key(s, cookie), d, 0, len - 16) : new byte[16];
            System.arraycopy(mac2, 0, d, len - 16, 16);
        }
    }

    /** The current attempt, or null. */
    synchronized Attempt current() {
        return current;
    }
}
