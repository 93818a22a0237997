package io.aethercore.b4ae.internal.audit;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.audit.IdentityHashing;
import io.aethercore.b4ae.internal.NodeWiring;
import io.aethercore.b4ae.internal.ProtocolObserver;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import io.aethercore.b4ae.internal.config.B4aeSettingsParser;
import io.aethercore.support.lifecycle.Workers;
import java.time.Duration;
import java.util.Map;
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
 * B4AE's {@code [audit]} section: adds itself as a {@link ProtocolObserver} to the bundle's {@link NodeWiring}
 * (every endpoint takes the node's observers; an internal type, so not an OSGi service) and forwards to a
 * {@link B4aeAuditor} when {@code audit.enabled} is true, and hands its records to the best
 * {@link AuditLog} present — so they are signed, Merkle-proved and fanned out to the audit bundle's sinks
 * (syslog, file, SIEM). Without an audit log (feature not installed) the records are counted as dropped and
 * the summary says so once one appears. Summaries of cookie and DoS counts every
 * {@code audit.summary_interval_s} seconds (default 60).
 */
@Component(service = {}, immediate = true, configurationPid = "io.aethercore.b4ae",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class B4aeAuditComponent implements ProtocolObserver {

    private static final Logger LOG = LoggerFactory.getLogger(B4aeAuditComponent.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AuditLog auditLog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile IdentityHashing identityHashing;

    private volatile B4aeAuditor auditor;
    private Workers workers;
    private NodeWiring wiring;

    @Activate
    void activate(Map<String, Object> props) {
        activate(B4aeSettingsParser.parse(props, System.getenv(), false));
        // like the observer service this replaces: present (forwarding or not) while the component is active
        wiring = NodeWiring.bundle();
        wiring.addObserver(this);
    }

    /** Starts the auditor as the settings say (also for use without OSGi). */
    void activate(B4aeSettings settings) {
        if (!settings.auditEnabled()) {
            LOG.info("B4AE audit disabled (audit.enabled = false)");
            return;
        }
        long every = settings.auditSummaryIntervalSeconds();
        if (every < 1) {
            throw new IllegalArgumentException("audit.summary_interval_s must be a whole number of seconds");
        }
        auditor = new B4aeAuditor(this::record, settings.auditHashIdentities() ? this::hashIdentity : null);
        workers = Workers.create("b4ae-audit", e -> LOG.warn("B4AE audit summary failed", e), Workers.DEFAULT_JOIN);
        B4aeAuditor a = auditor;
        workers.every("summary", Duration.ofSeconds(every), a::flushSummary);
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
        if (wiring != null) {
            wiring.removeObserver(this);
            wiring = null;
        }
        if (workers != null) {
            workers.close();
        }
        B4aeAuditor a = auditor;
        auditor = null;
        if (a != null) {
            a.close();
        }
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

    @Override public void unpinnedHandshake(boolean accepted, String reason) {
        B4aeAuditor a = auditor;
        if (a != null) {
            a.unpinnedHandshake(accepted, reason);
        }
    }

    @Override public void handshakeFailed(String mode, boolean initiator, String reason, String peer) {
        B4aeAuditor a = auditor;
        if (a != null) {
            a.handshakeFailed(mode, initiator, reason, peer);
        }
    }

    @Override public void handshakeRefused(String mode, String reason, String from) {
        B4aeAuditor a = auditor;
        if (a != null) {
            a.handshakeRefused(mode, reason, from);
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
