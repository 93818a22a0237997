package io.aethercore.b4ae.internal.audit;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.audit.IdentityHashing;
import io.aethercore.b4ae.internal.ProtocolObserver;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * B4AE's {@code [audit]} section: registers a {@link B4aeAuditor} as a {@link ProtocolObserver} (the channel
 * binds every observer) when {@code audit.enabled} is true, and hands its records to the best
 * {@link AuditLog} present — so they are signed, Merkle-proved and fanned out to the audit bundle's sinks
 * (syslog, file, SIEM). Without an audit log (feature not installed) the records are counted as dropped and
 * the summary says so once one appears. Summaries of cookie and DoS counts every
 * {@code audit.summary_interval_s} seconds (default 60).
 */
@Component(service = ProtocolObserver.class, configurationPid = "io.aethercore.b4ae",
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "aethercore.provider=b4ae-audit")
public final class B4aeAuditComponent implements ProtocolObserver {

    private static final Logger LOG = LoggerFactory.getLogger(B4aeAuditComponent.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AuditLog auditLog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile IdentityHashing identityHashing;

    private volatile B4aeAuditor auditor;
    private ScheduledExecutorService timer;

    @Activate
    void activate(Map<String, Object> props) {
        if (!bool(props, "audit.enabled", true)) {
            LOG.info("B4AE audit disabled (audit.enabled = false)");
            return;
        }
        auditor = new B4aeAuditor(this::record, bool(props, "audit.hash_identities", true) ? this::hashIdentity : null);
        long every = Math.max(1, Math.min(86_400, Long.parseLong(
                String.valueOf(props.getOrDefault("audit.summary_interval_s", "60")).trim())));
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "b4ae-audit-summary");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> auditor.flushSummary(), every, every, TimeUnit.SECONDS);
    }

    private void record(AuditEvent e) {
        AuditLog log = auditLog;
        if (log == null) {
            throw new IllegalStateException("no audit log");
        }
        log.recordAsync(e);
    }

    @Deactivate
    void deactivate() {
        if (timer != null) {
            timer.shutdownNow();
        }
        B4aeAuditor a = auditor;
        auditor = null;
        if (a != null) {
            a.close();
        }
    }

    private static boolean bool(Map<String, Object> props, String key, boolean def) {
        Object v = props.get(key);
        return v == null ? def : Boolean.parseBoolean(String.valueOf(v).trim());
    }

    /**
     * The node's keyed hash of a peer name (the audit bundle's {@link IdentityHashing}); without that
     * service (the audit feature is not installed, so no record is kept either) the name is left out.
     */
    private String hashIdentity(String peer) {
        IdentityHashing h = identityHashing;
        try {
            return h == null ? null : h.hash(peer);
        } catch (RuntimeException e) { // the key is unavailable: never name the peer, never throw on a protocol thread
            LOG.debug("B4AE audit: peer identity not hashed: {}", e.getMessage());
            return null;
        }
    }

    // ---- ProtocolObserver: forward to the auditor when enabled
    @Override public void handshakeCompleted(String mode, boolean initiator, long ns, String peer) {
        B4aeAuditor a = auditor;
        if (a != null) {
            a.handshakeCompleted(mode, initiator, ns, peer);
        }
    }

    @Override public void handshakeFailed(String mode, boolean initiator, String reason, String peer) {
        B4aeAuditor a = auditor;
        if (a != null) {
            a.handshakeFailed(mode, initiator, reason, peer);
        }
    }

    @Override public void cookieChallengeSent() {
        B4aeAuditor a = auditor;
        if (a != null) {
            a.cookieChallengeSent();
        }
    }

    @Override public void invalidCookie() {
        B4aeAuditor a = auditor;
        if (a != null) {
            a.invalidCookie();
        }
    }

    @Override public void dosAttemptBlocked(String reason) {
        B4aeAuditor a = auditor;
        if (a != null) {
            a.dosAttemptBlocked(reason);
        }
    }
}
