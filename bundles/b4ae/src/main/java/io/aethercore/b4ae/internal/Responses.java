package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The responder's side of the handshakes (§4, §5): checks INIT's mac1 and, under load, mac2 (answering with a
 * COOKIE), refuses replays, answers with RESP, waits for FINISH in Mode B (re-sending RESP, NACKing a partial
 * FINISH) and installs the keys. Mode A keys wait for the initiator's first record (§5.4).
 */
final class Responses {

    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);

    private final EngineContext ctx;
    private final IndexTable index;
    private final Datagrams datagrams;
    private final HandshakeReassembly reassembly;
    private final SessionTable sessions;
    private final RecordLayer records;
    private final Map<RawPublicKey, byte[]> lastTimestamps = new ConcurrentHashMap<>();
    private final Map<java.nio.ByteBuffer, Answer> answers = new ConcurrentHashMap<>();
    private final HandshakeAdmission admission;
    /** The admission source each Mode B responder handshake counts against, until it ends (once). */
    private final Map<PendingResp, Object> sourceOf = new ConcurrentHashMap<>();
    /** Addresses of open sessions and configured peers, refreshed by the timer (who gets priority, §4.4). */
    private volatile java.util.Set<InetSocketAddress> knownAddresses = java.util.Set.of();

    /** How long a Mode B responder waits for FINISH (§5.5: long enough for RESP and FINISH at 80 % loss). */
    static final long PENDING_RESP_NANOS = 20_000_000_000L;
    /** How many times one INIT is answered again from the cache (§5.5). */
    static final int ANSWER_BUDGET = 64;

    /**
     * The RESP sent for an INIT whose handshake is still waiting (Mode A: for the initiator's first record;
     * Mode B: for FINISH), to answer a repeated copy of that INIT without new work (§5.5).
     */
    private static final class Answer {
        final int respIndex;
        final InetSocketAddress to;
        final byte[][] resp;
        final PendingResp pending;  // Mode B; null in Mode A
        int left = ANSWER_BUDGET;

        Answer(int respIndex, InetSocketAddress to, byte[][] resp, PendingResp pending) {
            this.respIndex = respIndex;
            this.to = to;
            this.resp = resp;
            this.pending = pending;
        }
    }

    /** Whether the handshake an answer belongs to still waits. */
    private boolean waiting(Answer a) {
        return a.pending != null ? index.resp(a.respIndex) == a.pending : index.unconfirmed(a.respIndex) != null;
    }

    /**
     * A repeated INIT (its digest is in the replay filter): answered with the cached RESP when its handshake
     * still waits, it came from the address the first copy came from, and the budget lasts; one RESP per INIT
     * copy, so the amplification per INIT is that of the first answer. True when answered.
     */
    private boolean answerAgain(byte[] digest, InetSocketAddress from) {
        Answer a = answers.get(java.nio.ByteBuffer.wrap(digest));
        if (a == null || !a.to.equals(from)) {
            return false;
        }
        if (!waiting(a)) {
            answers.remove(java.nio.ByteBuffer.wrap(digest), a);
            return false;
        }
        synchronized (a) {
            if (a.left <= 0) {
                return false;
            }
            a.left--;
        }
        int mask = a.pending == null ? -1 : a.pending.missing();
        datagrams.sendAll(a.to, a.resp, mask == 0 ? -1 : mask);
        return true;
    }

    Responses(EngineContext ctx, IndexTable index, Datagrams datagrams, HandshakeReassembly reassembly,
              SessionTable sessions, RecordLayer records) {
        this.ctx = ctx;
        this.index = index;
        this.datagrams = datagrams;
        this.reassembly = reassembly;
        this.sessions = sessions;
        this.records = records;
        this.admission = new HandshakeAdmission(Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors() - 1)),
                System::nanoTime);
        refreshKnown();
    }

    void close() {
        admission.close();
    }

    /** Whether {@code from} is the address of an open session or of a configured peer. */
    boolean known(InetSocketAddress from) {
        return knownAddresses.contains(from);
    }

    private void refreshKnown() {
        java.util.Set<InetSocketAddress> k = new java.util.HashSet<>();
        for (B4aeSession s : sessions.all()) {
            if (s.address() != null) {
                k.add(s.address());
            }
        }
        io.aethercore.api.b4ae.TrustStore trust = ctx.trust();
        for (String peer : trust.peers()) {
            trust.address(peer).ifPresent(k::add);
        }
        knownAddresses = java.util.Set.copyOf(k);
    }

    /** Ends a Mode B responder handshake's claim on its source's share (once). */
    private void release(PendingResp pr) {
        Object src = sourceOf.remove(pr);
        if (src != null) {
            admission.releasePending(src);
        }
    }

    /** Handshake messages waiting for a worker (tests, inspection). */
    int queued() {
        return admission.queued();
    }

    /** Whether the cookie defence is on (§4.2): always, by INIT rate, or by state held. */
    boolean underLoad(boolean countThis) {
        B4aeSettings st = ctx.settings();
        boolean rate = countThis && ctx.guard().countInit();
        return st.cookieAlways() || rate || index.resps() > st.maxPendingResponders() / 2
                || reassembly.bytes() > st.maxReassemblyBytes() / 2;
    }

    void onInit(InetSocketAddress from, byte[] d, int len) {
        ProtocolObserver observer = ctx.observer();
        Wire.Fragment f = Wire.Fragment.parse(d, len);
        if (f == null || f.receiverIndex() != 0) {
            observer.datagramDropped("malformed");
            return;
        }
        Suite s = ctx.suite();
        StaticKeys local = ctx.addressed(s, d, len); // the current generation, or the previous one in its overlap
        if (local == null) {
            observer.dosAttemptBlocked("mac1");
            return;
        }
        CookieGuard guard = ctx.guard();
        boolean load = underLoad(true);
        // §4.4: a Mode B RESP is ~4 x its INIT, so Mode B always needs a cookie (amplification <= 1)
        if ((load || f.mode() == Mode.B.bit()) && !guard.mac2Valid(s, d, len, from)) {
            if (!Bytes.isZero(d, len - 16, 16)) {
                observer.invalidCookie();
            }
            if (len >= Wire.COOKIE_LEN) {
                datagrams.sendRaw(from, guard.cookieReply(s, local.x25519(), f.senderIndex(), d, len, from));
                observer.cookieChallengeSent();
            } else {
                observer.dosAttemptBlocked("cookie");
            }
            return;
        }
        byte[] body;
        if (f.count() == 1) {
            if (f.offset() != 0 || f.total() != f.chunkLength()) {
                observer.datagramDropped("fragment");
                return;
            }
            body = Bytes.slice(d, f.chunkOffset(), f.chunkLength());
        } else {
            body = reassembly.addInit(from, f, d);
            if (body == null) {
                return;
            }
        }
        respond(s, local, from, f, body, load);
    }

    private void respond(Suite s, StaticKeys local, InetSocketAddress from, Wire.Fragment f, byte[] body, boolean load) {
        ProtocolObserver observer = ctx.observer();
        B4aeSettings st = ctx.settings();
        if (body.length < 8 || Bytes.u8(body, 1) != f.mode() || Bytes.i32(body, 4) != f.senderIndex()) {
            observer.datagramDropped("malformed");
            return;
        }
        String modeLabel = f.mode() == 1 ? "A" : "B";
        CookieGuard guard = ctx.guard();
        byte[] digest = guard.replayDigest(s, body);
        if (guard.seenBefore(digest)) {
            if (answerAgain(digest, from)) {
                return;
            }
            observer.dosAttemptBlocked("replay");
            return;
        }
        boolean knownPeer = known(from);
        Object source = HandshakeAdmission.source(from, knownPeer);
        if (load && !knownPeer && !admission.allowInit(source)) { // known addresses are proven by the cookie
            observer.dosAttemptBlocked("rate");
            return;
        }
        boolean modeB = f.mode() == Mode.B.bit();
        if (modeB) {
            int max = st.maxPendingResponders();
            // the last quarter of the table is kept for known peers
            if (index.resps() >= max || !knownPeer && index.resps() >= max - max / 4) {
                observer.dosAttemptBlocked("limits");
                return;
            }
            if (!admission.reservePending(source)) {
                observer.dosAttemptBlocked("source-limit");
                return;
            }
        }
        boolean queued = admission.submit(knownPeer, () -> work(s, local, from, body, digest, source, modeLabel));
        if (!queued) {
            if (modeB) {
                admission.releasePending(source);
            }
            observer.dosAttemptBlocked("queue");
            return;
        }
        guard.remember(digest); // queued: a copy arriving meanwhile is a replay, answered once RESP exists
    }

    /** The public-key part of answering an INIT, on a handshake worker (§4.4). */
    private void work(Suite s, StaticKeys local, InetSocketAddress from, byte[] body, byte[] digest, Object source,
                      String modeLabel) {
        boolean modeB = !"A".equals(modeLabel);
        boolean held = false;
        try {
            held = answer(s, local, from, body, digest, source, modeLabel);
        } catch (RuntimeException e) {
            LOG.warn("INIT from {} failed on an internal error", from, e);
            ctx.observer().datagramDropped("internal");
        } finally {
            if (modeB && !held) {
                admission.releasePending(source);
            }
        }
    }

    /** Builds and sends RESP; true when a Mode B handshake now waits for FINISH (holding its source's slot). */
    private boolean answer(Suite s, StaticKeys local, InetSocketAddress from, byte[] body, byte[] digest,
                           Object source, String modeLabel) {
        ProtocolObserver observer = ctx.observer();
        B4aeSettings st = ctx.settings();
        observer.handshakeStarted(modeLabel, false);
        long start = System.nanoTime();
        int idx = index.newIndex(ctx.random());
        Handshakes.Responder r;
        try {
            r = Handshakes.Responder.respond(s, local, ctx.trust(), Instant.now(), body, idx,
                    Mode.mask(ctx.supported()), this::freshTimestamp, si -> ctx.staticStatic(local, si),
                    st.trustOnFirstUse());
        } catch (HandshakeException e) {
            observer.handshakeRefused(modeLabel, e.reason(), String.valueOf(from)); // pre-authentication
            LOG.debug("INIT from {} rejected: {}", from, e.getMessage());
            return false;
        }
        if (r.mode() == Mode.A && !ctx.modeAllowed(r.peer(), Mode.A)) {
            // per-peer mode policy on the responder too (issue 17 item 5): a peer configured for Mode B only
            // cannot be talked down to the classical mode by its own (or a stolen) X25519 key
            r.keys().wipe();
            observer.handshakeFailed(modeLabel, false, "mode-policy", r.peer());
            LOG.debug("Mode A INIT from {} ({}) refused: its peers entry allows {}", from, r.peer(),
                    Mode.fromMask(ctx.allowedModes(r.peer())));
            return false;
        }
        byte[] mac1Key = CookieGuard.mac1RespKey(s, Bytes.slice(body, 8, 32));
        byte[][] resp = datagrams.fragment(s, Wire.T_RESP, r.mode(), idx, r.initiatorIndex(), r.resp(), mac1Key);
        PendingResp pending = null;
        if (r.mode() == Mode.A) {
            Keypair kp = new Keypair(s, r.keys(), idx, r.initiatorIndex(), false, System.nanoTime(), ctx.keyLimit());
            index.putUnconfirmed(idx, new Unconfirmed(kp, r.peer(), r.peerKey().fingerprint(), Mode.A, from, start,
                    System.nanoTime() + 10_000_000_000L, null));
        } else {
            pending = new PendingResp(r, from, resp, start);
            sourceOf.put(pending, source);
            index.putResp(idx, pending);
        }
        if (answers.size() < 2 * st.maxPendingResponders()) {
            answers.put(java.nio.ByteBuffer.wrap(digest), new Answer(idx, from, resp, pending));
        }
        datagrams.sendAll(from, resp, -1);
        return pending != null;
    }

    private boolean freshTimestamp(RawPublicKey key, byte[] ts) {
        synchronized (lastTimestamps) {
            byte[] last = lastTimestamps.get(key);
            if (last != null && Arrays.compareUnsigned(ts, last) <= 0) {
                return false;
            }
            lastTimestamps.put(key, ts.clone());
            return true;
        }
    }

    void onFinish(InetSocketAddress from, byte[] d, int len) {
        ProtocolObserver observer = ctx.observer();
        Wire.Fragment f = Wire.Fragment.parse(d, len);
        if (f == null) {
            observer.datagramDropped("malformed");
            return;
        }
        PendingResp pr = index.resp(f.receiverIndex());
        if (pr == null || pr.responder().initiatorIndex() != f.senderIndex() || f.mode() != pr.responder().mode().bit()) {
            observer.datagramDropped("unknown-handshake");
            return;
        }
        Suite s = ctx.suite();
        if (ctx.addressed(s, d, len) == null) {
            observer.dosAttemptBlocked("mac1");
            return;
        }
        byte[] body = takeFinish(pr, f, from, d);
        if (body == null) {
            return;
        }
        if (!admission.submit(known(from), () -> finish(s, pr, from, body))) {
            observer.dosAttemptBlocked("queue"); // the initiator sends FINISH again; the handshake waits
        }
    }

    /** Verifies a whole FINISH on a handshake worker; the handshake ends only when it authenticates (§5.5). */
    private void finish(Suite s, PendingResp pr, InetSocketAddress from, byte[] body) {
        try {
            verifyFinish(s, pr, from, body);
        } catch (RuntimeException e) {
            LOG.warn("FINISH from {} failed on an internal error", from, e);
            ctx.observer().datagramDropped("internal");
        }
    }

    private void verifyFinish(Suite s, PendingResp pr, InetSocketAddress from, byte[] body) {
        ProtocolObserver observer = ctx.observer();
        Handshakes.Responder r = pr.responder();
        if (index.resp(r.index()) != pr) {
            return; // completed by another copy, or expired
        }
        B4aeSettings st = ctx.settings();
        Enrolment enrolment = st.enrollmentAcceptUnpinned()
                ? new Enrolment(true, name -> sessions.unpinnedRoom(name, st.enrollmentMaxSessions()))
                : Enrolment.REFUSE;
        try {
            r.onFinish(s, ctx.trust(), Instant.now(), body, enrolment);
        } catch (HandshakeException e) {
            if (r.unpinnedAttempt()) {
                observer.unpinnedHandshake(false, e.reason()); // pre-authentication: counted, not recorded
            } else {
                observer.handshakeRefused(r.mode().label(), e.reason(), String.valueOf(from));
            }
            LOG.debug("FINISH from {} rejected (the handshake keeps waiting): {}", from, e.getMessage());
            return;
        }
        if (!index.removeResp(r.index(), pr)) {
            r.keys().wipe(); // expired meanwhile
            return;
        }
        release(pr);
        if (r.pinned() && !ctx.modeAllowed(r.peer(), r.mode())) {
            r.keys().wipe();                                      // per-peer mode policy (issue 17 item 5)
            observer.handshakeFailed(r.mode().label(), false, "mode-policy", r.peer());
            return;
        }
        Keypair kp = new Keypair(s, r.keys(), r.index(), r.initiatorIndex(), false, System.nanoTime(), ctx.keyLimit());
        kp.setConfirmed(true);
        B4aeSession session;
        if (r.pinned()) {
            session = sessions.install(kp, r.peer(), r.peerKey().fingerprint(), r.mode(), false, from);
        } else {
            session = sessions.installUnpinned(kp, r.peer(), r.peerKey().fingerprint(), from,
                    st.enrollmentMaxSessions());
            if (session == null) {
                r.keys().wipe();
                observer.unpinnedHandshake(false, "enrollment-full");
                return;
            }
            observer.unpinnedHandshake(true, "accepted");
        }
        records.probe(session, kp); // key confirmation for the initiator, repeated until it answers (§5.4)
        observer.handshakeCompleted(r.mode().label(), false, System.nanoTime() - pr.startedNanos(), r.peer());
    }

    /** The FINISH body once whole; null otherwise. Conflicting fragments discard the message, not the handshake. */
    private byte[] takeFinish(PendingResp pr, Wire.Fragment f, InetSocketAddress from, byte[] d) {
        ProtocolObserver observer = ctx.observer();
        byte[] body;
        synchronized (pr) {
            if (pr.finish() == null) {
                if (reassembly.wouldExceed(f.total())) {
                    observer.dosAttemptBlocked("limits");
                    return null;
                }
                pr.setFinish(new Partial(f, from, System.nanoTime()));
            }
            Partial finish = pr.finish();
            int added = finish.add(f, d, System.nanoTime());
            if (added < 0) {
                reassembly.account(-finish.bytes());
                pr.setFinish(null);
                observer.datagramDropped("fragment");
                return null;
            }
            reassembly.account(added);
            if (!finish.complete()) {
                return null;
            }
            body = finish.assemble();
            reassembly.account(-finish.bytes());
            pr.setFinish(null);
            if (body == null) {
                observer.datagramDropped("fragment");
                return null;
            }
        }
        return body; // the handshake stays in the table until this FINISH authenticates
    }

    /** Timer: resend RESP while FINISH is missing, NACK a partial FINISH, expire after 10 s. */
    void tick(long now, long retry) {
        long nackAfter = ctx.settings().fragmentNackMs() * 1_000_000L;
        refreshKnown();
        answers.values().removeIf(a -> !waiting(a));
        for (Map.Entry<Integer, PendingResp> e : index.respEntries()) {
            PendingResp pr = e.getValue();
            Handshakes.Responder r = pr.responder();
            synchronized (pr) {
                if (now - pr.startedNanos() > PENDING_RESP_NANOS) {
                    if (index.removeResp(e.getKey(), pr)) {
                        if (pr.finish() != null) {
                            reassembly.account(-pr.finish().bytes());
                            pr.setFinish(null);
                        }
                        release(pr);
                        r.abandon();
                        // no FINISH authenticated: the initiator is unknown (pre-authentication)
                        ctx.observer().handshakeRefused(r.mode().label(), "timeout", String.valueOf(pr.address()));
                    }
                    continue;
                }
                Partial finish = pr.finish();
                if (finish != null && finish.nackDue(now, nackAfter, true, Integer.MAX_VALUE)) { // bounded by the lifetime
                    datagrams.sendNack(pr.address(), Wire.T_FINISH, r.initiatorIndex(), r.index(), finish.missing());
                } else if (pr.resendDue(now, retry)) {
                    datagrams.sendAll(pr.address(), pr.datagrams(), -1);
                }
            }
        }
    }
}
