package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.B4aeException;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import io.aethercore.support.lifecycle.Workers;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's clock (wireguard-go's {@code timers}): every {@code tick} it drives handshake retries, NACKs
 * and expiry, key confirmation timeouts, rekeying by time and the retirement of old keys; it also runs the
 * rekeys that the record layer asks for, off the caller's thread.
 */
final class Timers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Timers.class);

    private final EngineContext ctx;
    private final IndexTable index;
    private final SessionTable sessions;
    private final Initiations initiations;
    private final Responses responses;
    private final HandshakeReassembly reassembly;
    private final RecordLayer records;
    private final Workers workers;
    private final ScheduledExecutorService timer;

    Timers(EngineContext ctx, IndexTable index, SessionTable sessions, Initiations initiations, Responses responses,
           HandshakeReassembly reassembly, RecordLayer records, Datagrams datagrams) {
        this.ctx = ctx;
        this.index = index;
        this.sessions = sessions;
        this.initiations = initiations;
        this.responses = responses;
        this.reassembly = reassembly;
        this.records = records;
        this.workers = Workers.create("b4ae", e -> LOG.warn("B4AE timer task failed", e), Workers.DEFAULT_JOIN);
        this.timer = workers.scheduler("timer");
        int tick = ctx.settings().tickMs();
        timer.scheduleWithFixedDelay(this::tickSafely, tick, tick, TimeUnit.MILLISECONDS);
        datagrams.setScheduler(timer);
    }

    /** Starts a rekey of {@code s} unless one runs or {@code kp} is no longer its current keys. */
    void maybeRekey(B4aeSession s, Keypair kp) {
        if (!s.peerPinned()) {
            return; // an unpinned initiator's session is never rekeyed by this side: it ends at its lifetime
        }
        if (!sessions.beginRekey(s, kp)) {
            return;
        }
        timer.execute(() -> initiations.rekey(s));
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("B4AE timer task failed", e);
        }
    }

    private void tick() {
        long now = System.nanoTime();
        long retry = ctx.settings().handshakeRetryMs() * 1_000_000L;
        initiations.tick(now, retry);
        initiations.tickFinished(now);
        responses.tick(now, retry);
        index.expireFinished(now);
        expireUnconfirmed(now);
        reassembly.tick(now);
        tickSessions(now);
    }

    private void expireUnconfirmed(long now) {
        for (Map.Entry<Integer, Unconfirmed> e : index.unconfirmedEntries()) {
            Unconfirmed u = e.getValue();
            if (now - u.expiresNanos() > 0 && index.removeUnconfirmed(e.getKey(), u)) {
                ctx.observer().handshakeFailed(u.mode().label(), u.init() != null, "unconfirmed", u.peer());
                if (u.init() != null) {
                    u.init().future().completeExceptionally(new B4aeException("unconfirmed", "'" + u.peer()
                            + "' never confirmed the Mode B session: it refused this node's FINISH (is this node's"
                            + " ML-DSA-87 key pinned there?) or the path dropped it"));
                }
            }
        }
    }

    /**
     * Sessions: rekey by time (the responder 10 s later, so the initiator's wins), retire old keys, and close
     * unpinned initiators' sessions at {@code enrollment.session_seconds}.
     */
    private void tickSessions(long now) {
        B4aeSettings st = ctx.settings();
        long rekeyAfter = st.rekeyAfterSeconds() * 1_000_000_000L;
        long rejectAfter = st.rejectAfterSeconds() * 1_000_000_000L;
        long unpinnedLifetime = st.enrollmentSessionSeconds() * 1_000_000_000L;
        long repair = st.fragmentNackMs() * 1_000_000L;
        // §6.2: a rekey starts early enough to finish before reject_after even when the link loses most datagrams:
        // at the latest one handshake deadline before it (at most half of reject_after)
        long margin = Math.min(Initiations.deadlineNanos(st.handshakeRetryMs(), st.handshakeAttempts()), rejectAfter / 2);
        long rekeyAt = Math.min(rekeyAfter, rejectAfter - margin);
        long responderDelay = Math.min(10_000_000_000L, Math.max(0, rejectAfter - rekeyAt) / 2);
        for (B4aeSession s : sessions.all()) {
            if (!s.peerPinned() && now - s.openedNanos() > unpinnedLifetime) {
                s.close();
                continue;
            }
            Keypair cur = s.current();
            long age = now - cur.createdNanos();
            if (age > rekeyAt + (cur.initiator() ? 0 : responderDelay)) {
                maybeRekey(s, cur);
            }
            if (s.isOpen() && !cur.heard() && age < CONFIRM_PROBE_NANOS && cur.probeDue(now, repair)) {
                records.probe(s, cur); // §5.4: the peer has not shown that it holds these keys yet
            }
            Keypair retired = s.retirePrevious(now, rejectAfter);
            if (retired != null) {
                index.removeKeypair(retired);
                retired.wipe();                                   // §6.2: wiped after reject_after_seconds
            }
        }
    }

    /** How long key-confirmation probes go on for one keypair (§5.4). */
    static final long CONFIRM_PROBE_NANOS = 30_000_000_000L;

    @Override
    public void close() {
        workers.close();
    }
}
