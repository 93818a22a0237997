package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The sessions of this node, one per peer (wireguard-go's {@code peer}): installing confirmed keys as a new
 * session or as a rekey of the existing one, closing, and the queue of sessions peers opened to us.
 * Sessions with unpinned initiators (enrollment, §5.2) live in a table of their own, so that no lookup by a
 * peer's name ever finds one, and their number is capped.
 */
final class SessionTable {

    private final EngineContext ctx;
    private final IndexTable index;
    private final B4aeSession.Owner owner;
    private final Object lock = new Object();
    private final Map<String, B4aeSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, B4aeSession> unpinned = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Session> acceptQueue = new LinkedBlockingQueue<>(256);

    SessionTable(EngineContext ctx, IndexTable index, B4aeSession.Owner owner) {
        this.ctx = ctx;
        this.index = index;
        this.owner = owner;
    }

    B4aeSession get(String peer) {
        return sessions.get(peer);
    }

    /** Every session, open or closing, pinned peers' and unpinned initiators'. */
    List<B4aeSession> all() {
        List<B4aeSession> out = new ArrayList<>(sessions.values());
        out.addAll(unpinned.values());
        return out;
    }

    List<B4aeSession> open() {
        List<B4aeSession> out = new ArrayList<>();
        for (B4aeSession s : all()) {
            if (s.isOpen()) {
                out.add(s);
            }
        }
        return out;
    }

    int size() {
        return sessions.size() + unpinned.size();
    }

    /** Open sessions with unpinned initiators. */
    int unpinnedCount() {
        return unpinned.size();
    }

    /** Whether an unpinned session named {@code peer} may be installed: it exists (a rekey) or there is room. */
    boolean unpinnedRoom(String peer, int max) {
        synchronized (lock) {
            B4aeSession s = unpinned.get(peer);
            return s != null && s.isOpen() || unpinned.size() < max;
        }
    }

    /**
     * Puts confirmed keys of an unpinned initiator into its session (new, or a rekey of the existing one: the
     * session's lifetime still counts from its opening); null when {@code max} such sessions are open.
     */
    B4aeSession installUnpinned(Keypair kp, String peer, String fingerprint, InetSocketAddress address, int max) {
        B4aeSession s;
        Keypair retired = null;
        boolean created = false;
        synchronized (lock) {
            s = unpinned.get(peer);
            if (s != null && s.isOpen()) {
                index.putKeypair(kp);
                retired = s.rotate(kp, address);
            } else {
                if (unpinned.size() >= max) {
                    return null;
                }
                index.putKeypair(kp);
                s = new B4aeSession(owner, peer, fingerprint, Mode.B, false, address, kp, ctx.settings().inboxLimit(),
                        false);
                unpinned.put(peer, s);
                created = true;
            }
        }
        if (retired != null) {
            index.removeKeypair(retired);
            retired.wipe();                                        // out of the index: no record reaches it
        }
        if (created) {
            ctx.observer().sessionOpened(Mode.B.label());
            acceptQueue.offer(s);
        }
        return s;
    }

    Session accept(Duration timeout) throws InterruptedException {
        return acceptQueue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Puts confirmed keys into the peer's session (new session, or a rekey of the existing one). */
    B4aeSession install(Keypair kp, String peer, String fingerprint, Mode mode, boolean initiator,
                        InetSocketAddress address) {
        index.putKeypair(kp);
        B4aeSession created = null;
        B4aeSession s;
        Keypair retired = null;
        synchronized (lock) {
            s = sessions.get(peer);
            if (s != null && s.isOpen() && s.mode() == mode) {
                retired = s.rotate(kp, address);
            } else {
                if (s != null && s.isOpen()) {
                    if (markClosed(s)) {
                        forget(s);
                    }
                }
                s = new B4aeSession(owner, peer, fingerprint, mode, initiator, address, kp,
                        ctx.settings().inboxLimit());
                sessions.put(peer, s);
                created = s;
            }
        }
        if (retired != null) {
            index.removeKeypair(retired);
            retired.wipe();                                        // out of the index: no record reaches it
        }
        if (created != null) {
            ctx.observer().sessionOpened(mode.label());
            if (!initiator) {
                acceptQueue.offer(created);
            }
        }
        return s;
    }

    /** First step of closing: marks the session closed and takes it out; false when it was closed already. */
    boolean markClosed(B4aeSession s) {
        synchronized (lock) {
            if (!s.isOpen()) {
                return false;
            }
            s.markClosed();
            (s.peerPinned() ? sessions : unpinned).remove(s.peer(), s);
            return true;
        }
    }

    /** Last step of closing: forgets the session's keys and reports it. */
    void forget(B4aeSession s) {
        for (Keypair k : new Keypair[] {s.current(), s.previous()}) {
            if (k != null) {
                index.removeKeypair(k);
            }
        }
        ctx.observer().sessionClosed(s.mode().label());
    }

    /** Claims the rekey of {@code s} when {@code kp} is still its current keys and no rekey runs. */
    boolean beginRekey(B4aeSession s, Keypair kp) {
        synchronized (lock) {
            if (s.rekeying() || !s.isOpen() || s.current() != kp) {
                return false;
            }
            s.setRekeying(true);
            return true;
        }
    }
}
