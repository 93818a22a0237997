package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.B4aeException;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initiator's side of the handshakes (§5): builds and re-sends INIT, takes a COOKIE reply (§4.3) and RESP
 * (reassembled when fragmented), sends FINISH in Mode B, installs the keys, and gives up after the configured
 * attempts. Mode negotiation uses the peer's pinned keys and its configured modes.
 */
final class Initiations {

    private static final Logger LOG = LoggerFactory.getLogger(Initiations.class);

    private final EngineContext ctx;
    private final IndexTable index;
    private final Datagrams datagrams;
    private final SessionTable sessions;
    private final RecordLayer records;
    /** The last cookie each responder address gave (§4.3), so that a rekey's INIT carries mac2 at once. */
    private final Map<InetSocketAddress, Cookie> cookies = new ConcurrentHashMap<>();

    private record Cookie(byte[] value, long nanos) {}
    private final Object timestampLock = new Object();
    private Instant lastTimestamp = Instant.EPOCH;   // guarded by timestampLock

    Initiations(EngineContext ctx, IndexTable index, Datagrams datagrams, SessionTable sessions, RecordLayer records) {
        this.ctx = ctx;
        this.index = index;
        this.datagrams = datagrams;
        this.sessions = sessions;
        this.records = records;
    }

    private int possibleModes(String peer, Instant now) {
        TrustStore trust = ctx.trust();
        int m = 0;
        if (trust.current(peer, KeyAlgorithm.X25519, now).isPresent()) {
            m |= Mode.A.bit();
            if (trust.current(peer, KeyAlgorithm.ML_DSA_87, now).isPresent() && ctx.keys().mldsa() != null
                    && ctx.suite().modeBCapable()) {
                m |= Mode.B.bit();
            }
        }
        return m & ctx.allowedModes(peer);
    }

    /** Sends a fresh INIT for {@code p} (first attempt, retry or rekey). */
    void start(PendingInit p) throws B4aeException {
        Suite s = ctx.suite();
        TrustStore trust = ctx.trust();
        Instant now = Instant.now();
        RawPublicKey peerStatic = trust.current(p.peer(), KeyAlgorithm.X25519, now).orElseThrow(() ->
                new B4aeException("unknown-peer", "no X25519 key pinned for peer '" + p.peer()
                        + "'; pin its key (configuration 'peers' or the trust store) first"));
        int possible = possibleModes(p.peer(), now);
        Set<Mode> supported = ctx.supported();
        int local = Mode.mask(supported);
        int offered = (p.requested() == null ? local : (p.requested().bit() & local)) & possible;
        if (offered == 0) {
            throw new B4aeException("mode", "no common mode with '" + p.peer() + "': requested "
                    + (p.requested() == null ? "any" : p.requested()) + ", this node supports " + supported
                    + ", the peer's pinned keys allow " + Mode.fromMask(possible));
        }
        int preferred = p.requested() != null ? p.requested().bit() : ctx.settings().preferred().bit();
        Mode mode = Handshakes.select(offered, preferred, offered);
        RawPublicKey peerSig = mode == Mode.B ? trust.current(p.peer(), KeyAlgorithm.ML_DSA_87, now).orElseThrow() : null;
        int idx = index.newIndex(ctx.random());
        byte[] ts;
        synchronized (timestampLock) {
            Instant t = now.isAfter(lastTimestamp) ? now : lastTimestamp.plusNanos(1);
            lastTimestamp = t;
            ts = Handshakes.timestamp(t);
        }
        Handshakes.Initiator hs;
        try {
            StaticKeys own = ctx.keys();
            byte[] sscached = mode == Mode.A ? ctx.staticStatic(own, peerStatic) : null;
            hs = Handshakes.Initiator.start(s, own, mode, offered, preferred, idx, p.peer(), peerStatic, peerSig,
                    sscached, ts);
            if (p.enrol() && mode == Mode.B) {
                hs.includeKey(own.mldsa()); // enrollment: the responder has not pinned this node's key
            }
        } catch (HandshakeException e) {
            throw new B4aeException(e.reason(), "cannot start handshake with '" + p.peer() + "': " + e.getMessage());
        }
        if (p.attempts() == 0) {
            ctx.observer().handshakeStarted(mode.label(), true);
        }
        byte[][] initDatagrams;
        synchronized (p) {
            byte[] mac1Key = CookieGuard.mac1Key(s, peerStatic);
            byte[][] fragments = datagrams.fragment(s, Wire.T_INIT, mode, idx, 0, hs.body(), mac1Key);
            long nowNanos = System.nanoTime();
            PendingInit.Attempt evicted = p.restart(hs, fragments, nowNanos);
            if (evicted != null) {
                index.removeInit(evicted.hs.index());
                evicted.hs.close();
            }
            Cookie known = cookies.get(p.address());
            if (p.cookie() == null && known != null) {
                p.setCookie(known.value(), known.nanos()); // reMac2 judges its age
            }
            p.reMac2(p.current(), s, ctx.settings().expirySeconds());
            index.putInit(idx, p);
            p.sent(nowNanos);
            initDatagrams = p.datagrams();
        }
        datagrams.sendAll(p.address(), initDatagrams, -1);
    }

    /**
     * The gap before fresh INIT number {@code n + 1} (§5.5): {@code handshake_retry_ms}, doubled per attempt up
     * to 16 times; with the defaults (1000 ms, 5 attempts) a connect keeps trying for 31 s.
     */
    static long freshGapNanos(int retryMs, int n) {
        return (long) retryMs * 1_000_000L << Math.min(Math.max(n - 1, 0), 4);
    }

    /** How long a connect keeps trying: the sum of the gaps of all its attempts. */
    static long deadlineNanos(int retryMs, int attempts) {
        long sum = 0;
        for (int n = 1; n <= attempts; n++) {
            sum += freshGapNanos(retryMs, n);
        }
        return sum;
    }

    /** Closes every attempt of a connect that ended, except {@code keep}, and frees their indices. */
    private void retire(PendingInit p, Handshakes.Initiator keep) {
        for (PendingInit.Attempt a : p.drain()) {
            index.removeInit(a.hs.index());
            if (a.hs != keep) {
                a.hs.close();
            }
        }
    }

    /** A new handshake to rekey a session (§6.3); the session's rekeying flag drops when it ends. */
    void rekey(B4aeSession s) {
        PendingInit p = new PendingInit(s.peer(), s.address(), s.mode(), new CompletableFuture<>(), s.enrolled());
        p.future().whenComplete((x, e) -> s.setRekeying(false));
        try {
            start(p);
        } catch (B4aeException e) {
            s.setRekeying(false);
            LOG.warn("Rekey with '{}' could not start: {}", s.peer(), e.getMessage());
        }
    }

    void onResp(InetSocketAddress from, byte[] d, int len) {
        ProtocolObserver observer = ctx.observer();
        Wire.Fragment f = Wire.Fragment.parse(d, len);
        if (f == null) {
            observer.datagramDropped("malformed");
            return;
        }
        PendingInit p = index.init(f.receiverIndex());
        if (p == null) {
            Finished done = index.finished(f.receiverIndex());
            if (done != null && done.respIndex() == f.senderIndex()) {
                datagrams.sendAll(done.address(), done.datagrams(), -1); // our FINISH was lost: the responder repeats RESP
                return;
            }
            observer.datagramDropped("unknown-handshake");
            return;
        }
        Suite s = ctx.suite();
        byte[] body = takeResp(p, s, f, from, d, len);
        if (body == null) {
            return;
        }
        PendingInit.Attempt attempt = p.attempt(f.receiverIndex());
        Handshakes.Initiator hs = attempt.hs;
        Handshakes.Initiator.Done done;
        try {
            try {
                done = hs.onResponse(s, hs.local(), body);
            } catch (RuntimeException e) {
                LOG.warn("RESP from {} failed on an internal error", from, e);
                throw new HandshakeException("internal", String.valueOf(e));
            }
        } catch (HandshakeException e) {
            // a RESP that does not authenticate (bad AEAD, bad signature) may be forged by anyone on the path:
            // it spoils nothing (processed on a copy of the state) and the genuine RESP may still come (§5.5)
            boolean permanent = switch (e.reason()) {
                case "downgrade", "mode", "custody" -> true;
                default -> false;
            };
            if (permanent) {
                observer.handshakeFailed(hs.mode().label(), true, e.reason(), p.peer());
                retire(p, null);
                p.future().completeExceptionally(new B4aeException(e.reason(), "handshake with '" + p.peer()
                        + "' failed: " + e.getMessage()));
            } else {
                observer.handshakeRefused(hs.mode().label(), e.reason(), String.valueOf(from)); // unauthenticated
                synchronized (p) {
                    p.setDone(false); // the attempt stays live and keeps its keys for the genuine RESP
                }
            }
            return;
        }
        complete(p, hs, done, Bytes.i32(body, 4), s);
    }

    /** The RESP body once whole and addressed to the current INIT; null (and counted) otherwise. */
    private byte[] takeResp(PendingInit p, Suite s, Wire.Fragment f, InetSocketAddress from, byte[] d, int len) {
        ProtocolObserver observer = ctx.observer();
        byte[] body;
        synchronized (p) {
            PendingInit.Attempt a = p.attempt(f.receiverIndex());
            if (a == null || !p.live(f.receiverIndex()) || f.mode() != a.hs.mode().bit()) {
                observer.datagramDropped("unknown-handshake");
                return null;
            }
            byte[] key = CookieGuard.mac1RespKey(s, a.hs.ephemeral());
            if (!Bytes.equalsAt(s.mac(key, d, 0, len - 32), d, len - 32)) {
                observer.datagramDropped("mac1");
                return null;
            }
            if (f.count() == 1) {
                if (f.offset() != 0 || f.total() != f.chunkLength()) {
                    observer.datagramDropped("fragment");
                    return null;
                }
                body = Bytes.slice(d, f.chunkOffset(), f.chunkLength());
            } else {
                if (a.resp == null) {
                    a.resp = new Partial(f, from, System.nanoTime());
                }
                Partial resp = a.resp;
                int added = resp.add(f, d, System.nanoTime());
                if (added < 0) {
                    a.resp = null;
                    observer.datagramDropped("fragment");
                    return null;
                }
                if (!resp.complete()) {
                    return null;
                }
                body = resp.assemble();
                a.resp = null;
                if (body == null) {
                    observer.datagramDropped("fragment");
                    return null;
                }
            }
            p.setDone(true);
        }
        return body;
    }

    private void complete(PendingInit p, Handshakes.Initiator hs, Handshakes.Initiator.Done done, int respIndex, Suite s) {
        retire(p, hs);
        Keypair kp = new Keypair(s, done.keys(), hs.index(), respIndex, true, System.nanoTime(), ctx.keyLimit());
        if (done.finish() != null) {
            byte[][] fin = datagrams.fragment(s, Wire.T_FINISH, hs.mode(), hs.index(), respIndex, done.finish(),
                    CookieGuard.mac1Key(s, hs.peerStatic()));
            index.putFinished(hs.index(), new Finished(respIndex, p.address(), fin, confirmUntil(p)));
            datagrams.sendAll(p.address(), fin, -1);
        }
        RawPublicKey peerKey = hs.mode() == Mode.A ? hs.peerStatic() : hs.peerSig();
        if (hs.mode() == Mode.B) {
            // the responder has not yet accepted FINISH: wait for its first record (§5.4)
            kp.setConfirmed(false);
            index.putUnconfirmed(hs.index(), new Unconfirmed(kp, p.peer(), peerKey.fingerprint(), Mode.B, p.address(),
                    p.startedNanos(), confirmUntil(p), p));
            return;
        }
        B4aeSession session = sessions.install(kp, p.peer(), peerKey.fingerprint(), hs.mode(), true, p.address());
        ctx.observer().handshakeCompleted(hs.mode().label(), true, System.nanoTime() - p.startedNanos(), p.peer());
        records.probe(session, kp); // key confirmation for the responder, repeated until it answers (§5.4)
        p.future().complete(session);
    }

    /** Until when a Mode B initiator waits for key confirmation: the connect's deadline, at least two retries. */
    private long confirmUntil(PendingInit p) {
        long now = System.nanoTime();
        int retry = ctx.settings().handshakeRetryMs();
        long deadline = p.startedNanos() + deadlineNanos(retry, ctx.settings().handshakeAttempts());
        return Math.max(deadline, now + 2L * retry * 1_000_000L);
    }

    void onCookie(InetSocketAddress from, byte[] d, int len) {
        ProtocolObserver observer = ctx.observer();
        if (len != Wire.COOKIE_LEN) {
            observer.datagramDropped("malformed");
            return;
        }
        int idx = Bytes.i32(d, 4);
        PendingInit p = index.init(idx);
        if (p == null) {
            observer.datagramDropped("unknown-handshake");
            return;
        }
        Suite s = ctx.suite();
        byte[][] initDatagrams;
        synchronized (p) {
            PendingInit.Attempt a = p.attempt(idx);
            if (a == null || !p.live(idx)) {
                return;
            }
            byte[] cookie = CookieGuard.openCookieReply(s, a.hs.peerStatic(), d, a.mac1s);
            if (cookie == null) {
                observer.invalidCookie();
                return;
            }
            if (java.util.Arrays.equals(cookie, p.cookie())) {
                return; // the same cookie again (one reply per INIT fragment): the INIT went out already
            }
            p.setCookie(cookie, System.nanoTime());
            if (cookies.size() < 4096 || cookies.containsKey(p.address())) {
                cookies.put(p.address(), new Cookie(cookie, System.nanoTime()));
            }
            PendingInit.Attempt cur = p.current();
            p.reMac2(cur, s, ctx.settings().expirySeconds());
            p.sent(System.nanoTime());
            initDatagrams = cur.datagrams;
        }
        datagrams.sendAll(p.address(), initDatagrams, -1);
    }

    /** Timer: NACK a partial RESP, send a new INIT after the retry time, fail after the attempts. */
    void tick(long now, long retry) {
        for (PendingInit p : index.inits()) {
            try {
                tick(p, now, retry);
            } catch (RuntimeException e) {
                LOG.warn("Handshake with '{}' failed on an internal error", p.peer(), e);
                index.removeInit(p);
                p.future().completeExceptionally(new B4aeException("internal", "handshake failed: " + e));
            }
        }
    }

    private void tick(PendingInit p, long now, long retry) {
        boolean resend = false;
        boolean fresh = false;
        boolean fail = false;
        long repair = ctx.settings().fragmentNackMs() * 1_000_000L;
        byte[][] initDatagrams = null;
        synchronized (p) {
            if (p.done()) {
                return;
            }
            for (PendingInit.Attempt a : p.attemptsLive()) {
                // §3.3: NACK a partial RESP every repair interval while the connect lives (its deadline bounds it)
                if (a.resp != null && a.resp.nackDue(now, repair, true, Integer.MAX_VALUE)) {
                    datagrams.sendNack(p.address(), Wire.T_RESP, a.resp.senderIndex(), a.hs.index(), a.resp.missing());
                }
            }
            int retryMs = (int) (retry / 1_000_000L);
            if (now - p.freshNanos() >= freshGapNanos(retryMs, p.attempts())) {
                if (p.attempts() >= ctx.settings().handshakeAttempts()) {
                    fail = true;
                } else {
                    fresh = true;
                }
            } else if (now - p.sentNanos() >= p.resendGap(repair) && p.current() != null) {
                // §5.5: the same INIT again; the responder answers a repeat from its cache, without new work
                PendingInit.Attempt cur = p.current();
                p.reMac2(cur, ctx.suite(), ctx.settings().expirySeconds());
                p.resent(now);
                initDatagrams = cur.datagrams;
                resend = true;
            }
        }
        Handshakes.Initiator hs = p.hs();
        if (fail) {
            retire(p, null);
            ctx.observer().handshakeFailed(hs.mode().label(), true, "timeout", p.peer());
            p.future().completeExceptionally(new B4aeException("timeout", "no answer from '" + p.peer() + "' at "
                    + p.address() + " after " + p.attempts() + " attempts; check the address, the firewall (udp) and"
                    + " that the peer pins this node's key"));
        } else if (fresh) {
            try {
                start(p);
            } catch (B4aeException e) {
                retire(p, null);
                p.future().completeExceptionally(e);
            }
        } else if (resend) {
            datagrams.sendCopies(p.address(), initDatagrams, -1);
        }
    }

    /** Timer: a Mode B initiator waiting for key confirmation re-sends FINISH (what the responder lacks, §3.3). */
    void tickFinished(long now) {
        long repair = ctx.settings().fragmentNackMs() * 1_000_000L;
        for (java.util.Map.Entry<Integer, Unconfirmed> e : index.unconfirmedEntries()) {
            if (e.getValue().init() == null) {
                continue;
            }
            Finished f = index.finished(e.getKey());
            if (f != null && f.resendDue(now, repair)) {
                datagrams.sendCopies(f.address(), f.datagrams(), f.missing());
            }
        }
    }

    /** The engine stops: every handshake in progress fails. */
    void close() {
        for (PendingInit p : index.drainInits()) {
            p.future().completeExceptionally(new B4aeException("closed", "the B4AE channel was stopped"));
        }
    }
}
