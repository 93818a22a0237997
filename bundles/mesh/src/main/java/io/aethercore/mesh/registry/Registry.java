package io.aethercore.mesh.registry;

import io.aethercore.api.mesh.MeshException;
import io.aethercore.api.mesh.NodeObservations;
import io.aethercore.api.mesh.NodeRecord;
import io.aethercore.api.mesh.NodeRegistry;
import io.aethercore.api.mesh.NodeStatus;
import io.aethercore.api.mesh.RegistryUpdates;
import io.aethercore.api.mesh.TrustPolicy;
import io.aethercore.api.mesh.TrustScore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The federation as this node knows it. Facts arrive through {@link RegistryUpdates}; every read
 * computes status and score now, from the facts, the clock and the current {@link TrustPolicy}.
 *
 * <h2>Rules for facts</h2>
 * <ul>
 *   <li>A record exists only for a NodeID with a certificate. {@code seen}, {@code violation},
 *       {@code attested} and {@code attestationFailed} for an unknown NodeID are ignored and counted in
 *       {@link #ignoredUpdates()}. A revocation of an unknown NodeID is remembered and applies to a
 *       certificate for it that arrives later and was issued at or before the revocation.</li>
 *   <li>Enrollment counts as a verified attestation at {@code issuedAt} (the authority verified a quote
 *       then).</li>
 *   <li>A certificate for a known NodeID with the same node key and a later {@code issuedAt} is a
 *       renewal: liveness and violations carry over. One with a different key replaces the node only if
 *       issued later than the current certificate (liveness and violations start afresh); an older one
 *       is ignored. A certificate that is not newer changes nothing.</li>
 *   <li>Revocation is final for the certificates it covers: a certificate issued after the revocation is
 *       a new enrollment and clears it; one issued at or before it stays revoked. Likewise an attestation
 *       failure is cleared only by a newer certificate or a newer verified quote (the failure reports
 *       the <em>last</em> attestation; on a tie the failure wins).</li>
 *   <li>{@code seen} is monotonic; a repeated violation (same time and reason, among the last
 *       {@value #REMEMBERED_VIOLATIONS} of a node) counts once, so every update is idempotent.</li>
 * </ul>
 *
 * <p>{@link #version()} counts changes of facts, not the passing of time. Status listeners are told by
 * {@link #evaluate()}, which the mesh calls once a second; it reports every node whose status differs
 * from the previous evaluation, including nodes new since then ({@code before} is then null).
 *
 * <p>Thread-safe; owns no threads. Listeners run on the thread that calls {@link #evaluate()}.
 */
public final class Registry implements NodeRegistry, RegistryUpdates {

    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    static final int REMEMBERED_VIOLATIONS = 64;
    private static final TrustPolicy FALLBACK_POLICY = new DefaultTrustPolicy();

    private final Clock clock;
    private final Supplier<TrustPolicy> policy;
    private final Duration reattestationInterval;
    private final Duration heartbeatInterval;
    private final CertificateReader reader;

    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final Map<String, Entry> entries = new TreeMap<>();
    private final Map<String, Revocation> pendingRevocations = new HashMap<>();
    private String localNodeId;
    private long version;
    private long ignored;

    private final Object evaluation = new Object();
    /** Guarded by {@link #evaluation}: what the previous {@link #evaluate()} reported. */
    private Map<String, NodeRecord> lastEvaluated = Map.of();
    private final List<StatusListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param clock the time reads are computed at
     * @param policy the trust policy to score with now (the mesh's highest-ranked one); if it supplies
     *     null, the {@link DefaultTrustPolicy} scores
     * @param reattestationInterval how often nodes must attest again (from the genesis bundle)
     * @param heartbeatInterval how often nodes send heartbeats (from the genesis bundle)
     * @param reader reads NodeID, key and endpoint out of node certificates
     */
    public Registry(Clock clock, Supplier<TrustPolicy> policy, Duration reattestationInterval,
            Duration heartbeatInterval, CertificateReader reader) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.reattestationInterval = positive(reattestationInterval, "reattestationInterval");
        this.heartbeatInterval = positive(heartbeatInterval, "heartbeatInterval");
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    /** Declares which NodeID is this node: its record is {@code local} and always seen now. */
    public void setLocalNodeId(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        if (nodeId.isBlank()) {
            throw new IllegalArgumentException("a NodeID is not blank");
        }
        synchronized (lock) {
            if (!nodeId.equals(localNodeId)) {
                localNodeId = nodeId;
                version++;
            }
        }
    }

    // ------------------------------------------------------------------ RegistryUpdates

    @Override
    public void enrolled(X509Certificate certificate, Instant issuedAt) throws MeshException {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(issuedAt, "issuedAt");
        NodeCertInfo info = reader.read(certificate);
        if (info == null) {
            throw new MeshException("the certificate reader returned nothing for " + certificate.getSubjectX500Principal());
        }
        synchronized (lock) {
            String id = info.nodeId();
            Entry e = entries.get(id);
            if (e == null) {
                e = new Entry(certificate, info, issuedAt, clock.instant());
                Revocation pending = pendingRevocations.remove(id);
                if (pending != null && !issuedAt.isAfter(pending.at)) {
                    e.revokedAt = pending.at;
                    e.revokedReason = pending.reason;
                }
                entries.put(id, e);
                version++;
                return;
            }
            if (!issuedAt.isAfter(e.enrolledAt)) {
                LOG.debug("Ignored a certificate for {} issued at {}: the registry holds one issued at {}", id, issuedAt, e.enrolledAt);
                return;
            }
            boolean sameKey = e.info.nodeKeyFingerprint().equals(info.nodeKeyFingerprint());
            if (!sameKey) {
                LOG.debug("Node {} re-enrolled with a new key (issued {}); it replaces the one issued {}", id, issuedAt, e.enrolledAt);
                e.lastSeen = null;
                e.violations = 0;
                e.recentViolations.clear();
            }
            e.certificate = certificate;
            e.info = info;
            e.enrolledAt = issuedAt;
            e.attested(issuedAt);
            if (e.revokedAt != null && issuedAt.isAfter(e.revokedAt)) {
                e.revokedAt = null;
                e.revokedReason = null;
            }
            version++;
        }
    }

    @Override
    public void attested(String nodeId, Instant at) {
        Objects.requireNonNull(at, "at");
        synchronized (lock) {
            Entry e = known(nodeId, "attested");
            if (e != null && e.attested(at)) {
                version++;
            }
        }
    }

    @Override
    public void attestationFailed(String nodeId, Instant at, String reason) {
        Objects.requireNonNull(at, "at");
        String why = reason == null || reason.isBlank() ? "attestation failed (no reason given)" : reason;
        synchronized (lock) {
            Entry e = known(nodeId, "attestationFailed");
            if (e == null) {
                return;
            }
            if (e.lastAttested != null && e.lastAttested.isAfter(at)) {
                LOG.debug("Ignored an attestation failure of {} at {}: a quote verified later, at {}", nodeId, at, e.lastAttested);
                return;
            }
            if (e.failedAt != null && (e.failedAt.isAfter(at) || e.failedAt.equals(at) && e.failure.equals(why))) {
                return;
            }
            e.failedAt = at;
            e.failure = why;
            version++;
        }
    }

    @Override
    public void seen(String nodeId, Instant at) {
        Objects.requireNonNull(at, "at");
        synchronized (lock) {
            Entry e = known(nodeId, "seen");
            if (e != null && (e.lastSeen == null || at.isAfter(e.lastSeen))) {
                e.lastSeen = at;
                version++;
            }
        }
    }

    @Override
    public void violation(String nodeId, Instant at, String reason) {
        Objects.requireNonNull(at, "at");
        synchronized (lock) {
            Entry e = known(nodeId, "violation");
            if (e == null) {
                return;
            }
            String key = at + " " + reason;
            if (!e.recentViolations.add(key)) {
                return;
            }
            if (e.recentViolations.size() > REMEMBERED_VIOLATIONS) {
                e.recentViolations.remove(e.recentViolations.iterator().next());
            }
            if (e.violations < Integer.MAX_VALUE) {
                e.violations++;
            }
            LOG.debug("Protocol violation by {} at {}: {}", nodeId, at, reason);
            version++;
        }
    }

    @Override
    public void revoked(String nodeId, Instant at, String reason) {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(at, "at");
        String why = reason == null || reason.isBlank() ? "revoked (no reason given)" : reason;
        synchronized (lock) {
            Entry e = entries.get(nodeId);
            if (e == null) {
                Revocation earlier = pendingRevocations.get(nodeId);
                if (earlier == null || at.isAfter(earlier.at)) {
                    pendingRevocations.put(nodeId, new Revocation(at, why));
                }
                return;
            }
            if (at.isBefore(e.enrolledAt)) {
                LOG.debug("Ignored a revocation of {} at {}: its certificate was issued later, at {}", nodeId, at, e.enrolledAt);
                return;
            }
            if (e.revokedAt == null) {
                e.revokedAt = at;
                e.revokedReason = why;
                version++;
            }
        }
    }

    // ------------------------------------------------------------------ NodeRegistry

    @Override
    public List<NodeRecord> nodes() {
        Instant now = clock.instant();
        TrustPolicy p = currentPolicy();
        List<Facts> facts = snapshot();
        List<NodeRecord> out = new ArrayList<>(facts.size());
        for (Facts f : facts) {
            out.add(record(f, p, now));
        }
        return List.copyOf(out);
    }

    @Override
    public Optional<NodeRecord> node(String nodeId) {
        Instant now = clock.instant();
        TrustPolicy p = currentPolicy();
        Facts f;
        synchronized (lock) {
            Entry e = entries.get(nodeId);
            if (e == null) {
                return Optional.empty();
            }
            f = e.facts(nodeId.equals(localNodeId));
        }
        return Optional.of(record(f, p, now));
    }

    @Override
    public Optional<String> localNodeId() {
        synchronized (lock) {
            return Optional.ofNullable(localNodeId);
        }
    }

    @Override
    public AutoCloseable onStatusChange(StatusListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    // ------------------------------------------------------------------ the rest

    /**
     * Recomputes every node now and tells the listeners of each node whose status differs from the
     * previous evaluation (or that is new since). A listener that throws is logged and the others are
     * still told.
     *
     * @return the changes found, sorted by NodeID
     */
    public List<StatusChange> evaluate() {
        synchronized (evaluation) {
            List<NodeRecord> now = nodes();
            Map<String, NodeRecord> current = new HashMap<>();
            List<StatusChange> changes = new ArrayList<>();
            for (NodeRecord r : now) {
                current.put(r.nodeId(), r);
                NodeRecord before = lastEvaluated.get(r.nodeId());
                if (before == null || before.status() != r.status()) {
                    changes.add(new StatusChange(before, r));
                }
            }
            lastEvaluated = current;
            for (StatusChange c : changes) {
                for (StatusListener l : listeners) {
                    try {
                        l.changed(c.before(), c.after());
                    } catch (RuntimeException | LinkageError ex) {
                        LOG.warn("A status listener failed on {} becoming {}; the other listeners are still told", c.after().nodeId(), c.after().status(), ex);
                    }
                }
            }
            return List.copyOf(changes);
        }
    }

    /** Increments on every change of a fact (an update that changed something, a new local NodeID). */
    public long version() {
        synchronized (lock) {
            return version;
        }
    }

    /** Updates ignored because they named a NodeID without a certificate here. */
    public long ignoredUpdates() {
        synchronized (lock) {
            return ignored;
        }
    }

    public Optional<X509Certificate> certificate(String nodeId) {
        synchronized (lock) {
            Entry e = entries.get(nodeId);
            return e == null ? Optional.empty() : Optional.of(e.certificate);
        }
    }

    public Optional<NodeCertInfo> info(String nodeId) {
        synchronized (lock) {
            Entry e = entries.get(nodeId);
            return e == null ? Optional.empty() : Optional.of(e.info);
        }
    }

    /** Why the node was revoked, if it is. */
    public Optional<String> revocationReason(String nodeId) {
        synchronized (lock) {
            Entry e = entries.get(nodeId);
            return e == null ? Optional.empty() : Optional.ofNullable(e.revokedReason);
        }
    }

    private NodeRecord record(Facts f, TrustPolicy p, Instant now) {
        Instant lastSeen = f.local ? now : f.lastSeen;
        // a node not heard from yet is given the time since this registry learned of it (three heartbeats of
        // grace before its liveness falls), rather than being QUARANTINED the moment it is enrolled
        Instant liveSince = lastSeen != null ? lastSeen : f.learnedAt;
        NodeObservations o = new NodeObservations(f.info.attestation(), f.lastAttested, f.failure, liveSince,
                f.violations, f.revoked, reattestationInterval, heartbeatInterval, now);
        TrustScore score = p.score(o);
        NodeStatus status = p.status(score, o);
        return new NodeRecord(f.info.nodeId(), status, score, f.info.attestation(), f.certificate, f.info.address(),
                f.info.b4aeFingerprint(), f.enrolledAt, lastSeen, f.lastAttested, f.failure, f.violations, f.local);
    }

    private List<Facts> snapshot() {
        synchronized (lock) {
            List<Facts> out = new ArrayList<>(entries.size());
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                out.add(e.getValue().facts(e.getKey().equals(localNodeId)));
            }
            return out;
        }
    }

    private TrustPolicy currentPolicy() {
        TrustPolicy p = policy.get();
        return p == null ? FALLBACK_POLICY : p;
    }

    /** Guarded by {@link #lock}. */
    private Entry known(String nodeId, String update) {
        Entry e = nodeId == null ? null : entries.get(nodeId);
        if (e == null) {
            ignored++;
            LOG.debug("Ignored {} for {}: no certificate for that NodeID here", update, nodeId);
        }
        return e;
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    private record Revocation(Instant at, String reason) {
    }

    /** An immutable copy of one node's facts, scored outside the lock. */
    private record Facts(X509Certificate certificate, NodeCertInfo info, Instant enrolledAt, Instant lastAttested,
            String failure, Instant lastSeen, Instant learnedAt, int violations, boolean revoked, boolean local) {
    }

    /** One node's facts; guarded by {@link #lock}. */
    private static final class Entry {
        X509Certificate certificate;
        NodeCertInfo info;
        Instant enrolledAt;
        Instant lastAttested;
        Instant failedAt;
        String failure;
        Instant lastSeen;
        int violations;
        final LinkedHashSet<String> recentViolations = new LinkedHashSet<>();
        Instant revokedAt;
        String revokedReason;
        /** When this registry learned of the node: liveness counts from here until it is first heard. */
        final Instant learnedAt;

        Entry(X509Certificate certificate, NodeCertInfo info, Instant issuedAt, Instant learnedAt) {
            this.learnedAt = learnedAt;
            this.certificate = certificate;
            this.info = info;
            this.enrolledAt = issuedAt;
            this.lastAttested = issuedAt;
        }

        /** A verified quote at {@code at}; returns whether anything changed. */
        boolean attested(Instant at) {
            boolean changed = false;
            if (lastAttested == null || at.isAfter(lastAttested)) {
                lastAttested = at;
                changed = true;
            }
            if (failedAt != null && at.isAfter(failedAt)) {
                failedAt = null;
                failure = null;
                changed = true;
            }
            return changed;
        }

        Facts facts(boolean local) {
            return new Facts(certificate, info, enrolledAt, lastAttested, failure, lastSeen, learnedAt, violations,
                    revokedAt != null, local);
        }
    }
}
