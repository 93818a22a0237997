package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.B4aeException;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import io.aethercore.api.b4ae.SessionInfo;
import io.aethercore.b4ae.internal.scheduler.OutboundMessage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** One session with one peer: the current and previous traffic keys, the inbox (§6). */
final class B4aeSession implements Session {

    /** What a session needs from its engine: where sends go, and closing. */
    interface Owner {
        java.util.function.Consumer<OutboundMessage> outbound();

        void closeSession(B4aeSession s, boolean notify);
    }

    private final Owner engine;
    private final String peer;
    private final String peerFingerprint;
    private final Mode mode;
    private final boolean initiator;
    private final Instant opened;
    private final long openedNanos;
    private final boolean pinned;
    private volatile boolean enrolled;
    private final String id;
    private volatile InetSocketAddress address;
    private volatile Keypair current;
    private volatile Keypair previous;
    private volatile int generation;
    private volatile boolean rekeying;
    private volatile boolean open = true;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    private final Object lock = new Object();
    private final Deque<byte[]> inbox = new ArrayDeque<>();
    private final Deque<CompletableFuture<byte[]>> waiters = new ArrayDeque<>();
    private final int inboxLimit;

    B4aeSession(Owner engine, String peer, String peerFingerprint, Mode mode, boolean initiator,
                InetSocketAddress address, Keypair first, int inboxLimit) {
        this(engine, peer, peerFingerprint, mode, initiator, address, first, inboxLimit, true);
    }

    /** @param pinned false for a responder's session with an unpinned initiator (enrollment, §5.2) */
    B4aeSession(Owner engine, String peer, String peerFingerprint, Mode mode, boolean initiator,
                InetSocketAddress address, Keypair first, int inboxLimit, boolean pinned) {
        this.pinned = pinned;
        this.openedNanos = System.nanoTime();
        this.engine = engine;
        this.peer = peer;
        this.peerFingerprint = peerFingerprint;
        this.mode = mode;
        this.initiator = initiator;
        this.address = address;
        this.current = first;
        this.generation = 1;
        this.opened = Instant.now();
        this.inboxLimit = inboxLimit;
        this.id = Integer.toHexString(first.localIndex());
        first.link(this);
    }

    String peer() { return peer; }
    Mode mode() { return mode; }
    Keypair current() { return current; }

    /** The AEAD of the current keys' DATA records (§5.6): what {@code aether:b4ae-sessions} shows. */
    public io.aethercore.api.crypto.AeadAlgorithm recordAead() {
        Keypair k = current;
        return k == null ? null : k.aead();
    }

    Keypair previous() { return previous; }
    InetSocketAddress address() { return address; }
    void setAddress(InetSocketAddress a) { address = a; }
    boolean rekeying() { return rekeying; }
    void setRekeying(boolean r) { rekeying = r; }
    void countSent() { sent.incrementAndGet(); }
    void countReceived() { received.incrementAndGet(); }
    long openedNanos() { return openedNanos; }
    /** An initiator's session opened by enrollment: its rekeys include this node's key in FINISH too. */
    boolean enrolled() { return enrolled; }
    void markEnrolled() { enrolled = true; }

    @Override
    public boolean peerPinned() {
        return pinned;
    }

    /**
     * Rekey done: {@code kp} becomes the current keys, the current ones the previous; returns the keys that
     * were previous (retired now). The caller holds the session table's lock.
     */
    Keypair rotate(Keypair kp, InetSocketAddress from) {
        Keypair retired = previous;
        previous = current;
        current = kp;
        kp.link(this);
        generation++;
        rekeying = false;
        address = from;
        return retired;
    }

    /** Drops the previous keys when they are older than {@code rejectAfterNanos}; returns them, or null. */
    Keypair retirePrevious(long now, long rejectAfterNanos) {
        Keypair prev = previous;
        if (prev != null && now - prev.createdNanos() > rejectAfterNanos) {
            previous = null;
            return prev;
        }
        return null;
    }

    @Override
    public SessionInfo info() {
        Keypair k = current;
        return new SessionInfo(id, peer, peerFingerprint, mode, initiator, address, opened,
                Duration.ofNanos(System.nanoTime() - k.createdNanos()), generation, sent.get(), received.get(), open);
    }

    @Override
    public void send(byte[] message) throws B4aeException {
        if (!open) {
            throw new B4aeException("closed", "session with " + peer + " is closed; connect again");
        }
        if (message == null || message.length > MAX_MESSAGE) {
            throw new B4aeException("too-large", "message of " + (message == null ? "null" : message.length)
                    + " bytes; at most " + MAX_MESSAGE);
        }
        try {
            engine.outbound().accept(new OutboundMessage(this, message.clone(), System.nanoTime()));
        } catch (RuntimeException rejected) { // the scheduler's queue is full or stopped: the caller decides
            throw new B4aeException("rejected", rejected.getMessage(), rejected);
        }
    }

    @Override
    public CompletableFuture<Void> sendAsync(byte[] message) {
        try {
            send(message);
            return CompletableFuture.completedFuture(null);
        } catch (B4aeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public byte[] receive(Duration timeout) throws B4aeException, InterruptedException {
        CompletableFuture<byte[]> f = receiveAsync();
        try {
            return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            synchronized (lock) {
                if (!waiters.remove(f) && f.isDone() && !f.isCompletedExceptionally()) {
                    return f.join();
                }
            }
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof B4aeException b) {
                throw b;
            }
            throw new B4aeException("error", String.valueOf(e.getCause()), e.getCause());
        }
    }

    @Override
    public CompletableFuture<byte[]> receiveAsync() {
        synchronized (lock) {
            byte[] m = inbox.poll();
            if (m != null) {
                return CompletableFuture.completedFuture(m);
            }
            if (!open) {
                return CompletableFuture.failedFuture(new B4aeException("closed", "session with " + peer + " is closed"));
            }
            CompletableFuture<byte[]> f = new CompletableFuture<>();
            waiters.add(f);
            return f;
        }
    }

    private io.aethercore.b4ae.internal.padding.Reassembler reassembler;

    /**
     * Reassembly of FRAGMENT records (§4.5): at most one whole message of {@link #MAX_MESSAGE} bytes per
     * message, 16 messages and 256 KiB pending per session, 10 s to complete; beyond that the oldest goes.
     */
    synchronized io.aethercore.b4ae.internal.padding.Reassembler reassembler() {
        if (reassembler == null) {
            reassembler = new io.aethercore.b4ae.internal.padding.Reassembler(MAX_MESSAGE, 64, 16, 256 * 1024,
                    10_000_000_000L);
        }
        return reassembler;
    }

    /** Delivers an authenticated message; false when the inbox is full (the message is dropped). */
    boolean deliver(byte[] m) {
        CompletableFuture<byte[]> w;
        synchronized (lock) {
            w = waiters.poll();
            if (w == null) {
                if (inbox.size() >= inboxLimit) {
                    return false;
                }
                inbox.add(m);
                return true;
            }
        }
        w.complete(m);
        return true;
    }

    @Override
    public void close() {
        if (open) {
            engine.closeSession(this, true);
        }
    }

    /** Marks closed and fails waiting receivers; called by the engine. */
    void markClosed() {
        java.util.List<CompletableFuture<byte[]>> ws;
        synchronized (lock) {
            open = false;
            ws = new java.util.ArrayList<>(waiters);
            waiters.clear();
        }
        for (CompletableFuture<byte[]> w : ws) {
            w.completeExceptionally(new B4aeException("closed", "session with " + peer + " was closed"));
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public String toString() {
        return "B4AE session " + id + " with " + peer + " (mode " + mode + ")";
    }
}
