package io.aethercore.b4ae.internal.audit;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.b4ae.internal.ProtocolObserver;
import io.aethercore.support.lifecycle.Workers;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Sends B4AE security events to the audit log (docs/operations.md, "Audit log"): every handshake outcome
 * as its own signed record, and cookie challenges, invalid cookies, blocked DoS attempts and unpinned
 * (enrollment) handshakes accepted or refused as a periodic summary of counts. Summaries, not one record per datagram: an attacker flooding junk must not be able to
 * make the node sign and store a record per junk packet (that would turn the audit log into the
 * amplifier the cookie exists to prevent).
 *
 * <p>Called on protocol threads: nothing here blocks. Records are handed to one background thread through a
 * bounded queue; when it is full the record is dropped and counted, and the count goes into the next summary.
 * With {@code hash_identities}, peer names are replaced by the node's keyed identity hash (the audit
 * bundle's {@link io.aethercore.api.audit.IdentityHashing}), so records of one peer still correlate
 * without naming it.
 */
public final class B4aeAuditor implements ProtocolObserver, AutoCloseable {

    public static final String OPERATOR = "b4ae";
    public static final String HANDSHAKE = "B4aeHandshake";
    public static final String SUMMARY = "B4aeSecuritySummary";
    static final int QUEUE = 1024;

    private final Consumer<AuditEvent> log;
    private final UnaryOperator<String> identityHash;
    private final Workers workers = Workers.create("b4ae-audit");
    private final ExecutorService worker;                         // one thread, aethercore-b4ae-audit-records-1
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param log         where records go (the audit log's asynchronous record); may throw, which counts as dropped
     * @param identityHash keyed hashing of identities, or null to record names as they are
     */
    public B4aeAuditor(Consumer<AuditEvent> log, UnaryOperator<String> identityHash) {
        this.log = log;
        this.identityHash = identityHash;
        this.worker = workers.pool("records", 1, QUEUE);
    }

    @Override
    public void handshakeCompleted(String mode, boolean initiator, long durationNanos, String peer) {
        submit(AuditEvent.of(OPERATOR, HANDSHAKE, modeName(mode)).withPeer(identity(peer))
                .withDetails(Map.of("outcome", "success", "role", initiator ? "initiator" : "responder",
                        "duration_ms", String.format(java.util.Locale.ROOT, "%.3f", durationNanos / 1e6))));
    }

    @Override
    public void handshakeFailed(String mode, boolean initiator, String reason, String peer) {
        submit(AuditEvent.of(OPERATOR, HANDSHAKE, modeName(mode)).withPeer(identity(peer))
                .withDetails(Map.of("outcome", "failure", "role", initiator ? "initiator" : "responder",
                        "reason", token(reason))));
    }

    /**
     * Counted for the summary only ({@code handshake_refused.<mode>.<reason>}): the initiator never
     * authenticated, so one record each would let anyone who knows this node's public key fill the log.
     */
    @Override
    public void handshakeRefused(String mode, String reason, String from) {
        count("handshake_refused." + modeName(mode) + "." + token(reason));
    }

    /** Counted for the summary only: a refused unpinned FINISH comes from nobody we know (pre-authentication). */
    @Override
    public void unpinnedHandshake(boolean accepted, String reason) {
        count(accepted ? "unpinned_accepted" : "unpinned_refused." + token(reason));
    }

    @Override
    public void cookieChallengeSent() {
        count("cookie_challenges");
    }

    @Override
    public void invalidCookie() {
        count("invalid_cookies");
    }

    @Override
    public void dosAttemptBlocked(String reason) {
        count("dos_blocked." + token(reason));
    }

    /** Records the counts gathered since the last call, if any; called periodically by the component. */
    public void flushSummary() {
        AuditEvent summary = takeSummary();
        if (summary != null) {
            submit(summary);
        }
    }

    private AuditEvent takeSummary() {
        TreeMap<String, String> details = new TreeMap<>();
        for (Map.Entry<String, AtomicLong> e : counts.entrySet()) {
            long n = e.getValue().getAndSet(0);
            if (n > 0) {
                details.put(e.getKey(), Long.toString(n));
            }
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            details.put("audit_records_dropped", Long.toString(lost));
        }
        return details.isEmpty() ? null : AuditEvent.of(OPERATOR, SUMMARY, "b4ae").withDetails(details);
    }

    /** Records handed over and not yet passed to the log. */
    public int pending() {
        return pending.get();
    }

    /** Records lost because the queue was full or the log refused them, since the last summary. */
    public long dropped() {
        return dropped.get();
    }

    String identity(String peer) {
        if (peer == null || peer.isEmpty()) {
            return null;
        }
        if (identityHash == null) {
            return peer.length() > AuditEvent.MAX_TEXT ? peer.substring(0, AuditEvent.MAX_TEXT) : peer;
        }
        return identityHash.apply(peer);
    }

    private void count(String key) {
        counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    private void submit(AuditEvent event) {
        pending.incrementAndGet();
        try {
            worker.execute(() -> {
                try {
                    log.accept(event);
                } catch (RuntimeException e) {
                    dropped.incrementAndGet();
                } finally {
                    pending.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException full) {             // queue full, or closed
            pending.decrementAndGet();
            dropped.incrementAndGet();
        }
    }

    private static String modeName(String mode) {
        return "A".equals(mode) ? "mode_a" : "B".equals(mode) ? "mode_b" : token(mode);
    }

    /** Reason tokens come from our code, but keep them short and printable whatever happens. */
    private static String token(String s) {
        if (s == null || s.isEmpty()) {
            return "unknown";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), 64));
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x21 && c < 0x7f ? c : '_');
        }
        return b.toString();
    }

    @Override
    public void close() {
        worker.shutdown();                                        // drain what is queued first
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.close();                                          // then stop whatever is left
        AuditEvent last = takeSummary(); // after the queue drained, so nothing counted is left out
        if (last != null) {
            try {
                log.accept(last);
            } catch (RuntimeException e) {
                // the log is gone too: nothing left to tell
            }
        }
    }
}
