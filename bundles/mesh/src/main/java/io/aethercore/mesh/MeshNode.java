package io.aethercore.mesh;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.mesh.NodeRecord;
import io.aethercore.api.mesh.NodeStatus;
import io.aethercore.mesh.enrol.Authority;
import io.aethercore.mesh.enrol.EnrollmentClient;
import io.aethercore.mesh.enrol.Transcripts;
import io.aethercore.mesh.link.MeshLink;
import io.aethercore.mesh.link.MeshLink.Channel;
import io.aethercore.mesh.pki.GenesisPayload;
import io.aethercore.mesh.pki.NodeCertificates;
import io.aethercore.mesh.pki.NodeIdentity;
import io.aethercore.mesh.registry.Registry;
import io.aethercore.mesh.wire.MeshCodec;
import io.aethercore.mesh.wire.MeshMessage;
import io.aethercore.mesh.wire.MeshMessage.AttestChallenge;
import io.aethercore.mesh.wire.MeshMessage.AttestResponse;
import io.aethercore.mesh.wire.MeshMessage.Directory;
import io.aethercore.mesh.wire.MeshMessage.DirectoryEntry;
import io.aethercore.mesh.wire.MeshMessage.DirectoryRequest;
import io.aethercore.mesh.wire.MeshMessage.EnrolChallenge;
import io.aethercore.mesh.wire.MeshMessage.EnrolHello;
import io.aethercore.mesh.wire.MeshMessage.EnrolProof;
import io.aethercore.mesh.wire.MeshMessage.EnrolResult;
import io.aethercore.mesh.wire.MeshMessage.Heartbeat;
import io.aethercore.mesh.wire.WireException;
import io.aethercore.support.lifecycle.Workers;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the mesh at run time: dispatches what peers send, sends heartbeats, keeps the registry
 * in step with the authority's directory and pins every enrolled node's B4AE keys, and, on the
 * authority, re-attests every node each interval. Plain Java; the DS component builds it.
 */
public final class MeshNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MeshNode.class);

    private final String nodeId;
    private final GenesisPayload genesis;
    private final String authorityName;
    private final Registry registry;
    private final MeshLink link;
    private final TrustStore trust;
    private final Attestation attestation;
    private final NodeKey nodeKey;
    private final Clock clock;
    private final Authority authority; // null on members
    private final EnrollmentClient enrollment; // null on the authority
    private final Workers workers;
    private final Map<String, String> pinned = new ConcurrentHashMap<>();
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean joined;

    public MeshNode(String nodeId, GenesisPayload genesis, Registry registry, MeshLink link, TrustStore trust,
            Attestation attestation, NodeKey nodeKey, Clock clock, Authority authority, EnrollmentClient enrollment,
            Workers workers) {
        this.nodeId = nodeId;
        this.genesis = genesis;
        this.authorityName = genesis.bootstrapPeers().stream().filter(GenesisPayload.BootstrapPeer::federationAuthority)
                .map(GenesisPayload.BootstrapPeer::name).findFirst().orElse("");
        this.registry = registry;
        this.link = link;
        this.trust = trust;
        this.attestation = attestation;
        this.nodeKey = nodeKey;
        this.clock = clock;
        this.authority = authority;
        this.enrollment = enrollment;
        this.workers = workers;
        link.handler(this::received);
    }

    /** Starts the periodic work; called once this node holds its certificate. */
    public synchronized void join(X509Certificate own) {
        if (joined) {
            return;
        }
        joined = true;
        registry.setLocalNodeId(nodeId);
        try {
            registry.enrolled(own, own.getNotBefore().toInstant());
        } catch (Exception e) {
            LOG.error("[ERROR] The node's own certificate is not accepted by its registry: {}", e.getMessage());
        }
        var p = genesis.parameters();
        workers.every("heartbeat", p.heartbeatInterval(), this::heartbeat);
        workers.every("evaluate", java.time.Duration.ofSeconds(1), this::evaluate);
        if (authority != null) {
            // rounds at three quarters of the interval: a platform change is caught, and pushed to every
            // member, within one interval (the quote-freshness factor still counts the interval itself)
            workers.every("reattest", p.reattestationInterval().multipliedBy(3).dividedBy(4), this::reattestAll);
        } else {
            workers.every("directory", p.heartbeatInterval(), () -> send(authorityName, new DirectoryRequest(0)));
            send(authorityName, new DirectoryRequest(0));
        }
    }

    public boolean joined() {
        return joined;
    }

    public long heartbeatsSent() {
        return heartbeats.get();
    }

    public long dropped() {
        return dropped.get();
    }

    private void heartbeat() {
        Instant now = clock.instant();
        for (NodeRecord r : registry.nodes()) {
            if (!r.local() && r.status() != NodeStatus.PURGED) {
                ensurePinned(r);
                send(r.nodeId(), new Heartbeat(nodeId, heartbeats.incrementAndGet(), registry.version(), now.toEpochMilli()));
            }
        }
    }

    private void evaluate() {
        for (var change : registry.evaluate()) {
            NodeRecord after = change.after();
            String line = "Node " + after.nodeId() + " is now " + after.status() + " (trust "
                    + String.format("%.2f", after.trust().value())
                    + (after.attestationFailure() != null ? ", " + after.attestationFailure() : "") + ")";
            if (after.status() == NodeStatus.HEALTHY) {
                LOG.info("[INFO] {}", line);
            } else if (after.status() == NodeStatus.COMPROMISED) {
                LOG.error("[ERROR] {}", line);
            } else {
                LOG.warn("[WARN] {}", line);
            }
        }
    }

    private void reattestAll() {
        for (NodeRecord r : registry.nodes()) {
            if (!r.local() && r.status() != NodeStatus.PURGED) {
                send(r.nodeId(), authority.reattest(r.nodeId()));
            }
        }
        registry.attested(nodeId, clock.instant()); // the authority vouches for its own platform at each round
    }

    private void send(String peer, MeshMessage m) {
        if (peer.isEmpty()) {
            return;
        }
        link.send(peer, MeshCodec.encode(m)).exceptionally(e -> {
            LOG.debug("mesh: sending to {} failed: {}", peer, e.toString());
            return null;
        });
    }

    /** Pins a node's B4AE keys and its address in the trust store. */
    public static void pin(TrustStore trust, NodeIdentity id, Instant validFrom) {
        trust.pin(id.nodeId(), id.b4aeX25519(), validFrom);
        trust.pin(id.nodeId(), id.b4aeMlDsa87(), validFrom);
        if (id.address() != null) {
            trust.setAddress(id.nodeId(), new InetSocketAddress(id.address().getHostString(), id.address().getPort()));
        }
    }

    /** Pins a node's B4AE keys and address from its certificate (once per certificate). */
    void ensurePinned(NodeRecord r) {
        String serial = r.certificate().getSerialNumber().toString(16);
        if (serial.equals(pinned.get(r.nodeId()))) {
            return;
        }
        try {
            NodeIdentity id = NodeCertificates.read(r.certificate());
            pin(trust, id, r.certificate().getNotBefore().toInstant());
            pinned.put(r.nodeId(), serial);
            LOG.info("[INFO] Pinned {} from its federation certificate ({} attestation)", r.nodeId(), id.attestation().id());
        } catch (Exception e) {
            LOG.warn("[WARN] Could not pin {}: {}", r.nodeId(), e.getMessage());
        }
    }

    private void received(Channel from, byte[] raw) {
        if (!MeshCodec.isMeshMessage(raw)) {
            dropped.incrementAndGet(); // another application's message on a shared session
            return;
        }
        MeshMessage m;
        try {
            m = MeshCodec.decode(raw);
        } catch (WireException e) {
            dropped.incrementAndGet();
            if (from.pinned()) {
                registry.violation(from.peer(), clock.instant(), "malformed mesh message: " + e.getMessage());
            }
            LOG.debug("mesh: dropped a malformed message from {}: {}", from.peer(), e.getMessage());
            return;
        }
        if (!from.pinned()) {
            // an enrollment session: the enrollment exchange and nothing else
            if (authority != null && (m instanceof EnrolHello || m instanceof EnrolProof)) {
                from.reply(authority.handle(from, m, raw));
            } else {
                dropped.incrementAndGet();
            }
            return;
        }
        Instant now = clock.instant();
        String peer = from.peer();
        if (authority != null && (m instanceof EnrolHello || m instanceof EnrolProof)) {
            from.reply(authority.handle(from, m, raw));
        } else if (enrollment != null && m instanceof EnrolChallenge c) {
            enrollment.deliver(c.requestId(), raw);
        } else if (enrollment != null && m instanceof EnrolResult r) {
            enrollment.deliver(r.requestId(), raw);
        } else if (m instanceof Heartbeat h) {
            if (!h.nodeId().equals(peer)) {
                registry.violation(peer, now, "heartbeat claims to be from " + h.nodeId());
                return;
            }
            registry.seen(peer, now);
        } else if (authority != null && m instanceof DirectoryRequest d) {
            registry.seen(peer, now);
            from.reply(MeshCodec.encode(directoryPage(d.from())));
        } else if (m instanceof Directory d && peer.equals(authorityName)) {
            registry.seen(peer, now);
            apply(d);
            if (d.from() + d.entries().size() < d.total() && !d.entries().isEmpty()) {
                from.reply(MeshCodec.encode(new DirectoryRequest(d.from() + d.entries().size())));
            }
        } else if (m instanceof AttestChallenge c && peer.equals(authorityName)) {
            registry.seen(peer, now);
            answer(from, c);
        } else if (authority != null && m instanceof AttestResponse r) {
            registry.seen(peer, now);
            String before = registry.node(peer).map(NodeRecord::attestationFailure).orElse(null);
            authority.attestResponse(peer, r);
            String after = registry.node(peer).map(NodeRecord::attestationFailure).orElse(null);
            if (after != null && !after.equals(before)) {
                pushDirectory(); // a node just failed: every member learns it now, not at its next pull
            }
        } else {
            dropped.incrementAndGet();
            registry.violation(peer, now, "unexpected " + m.getClass().getSimpleName() + " for a "
                    + (authority != null ? "Federation Authority" : "member"));
        }
    }

    /** Sends the whole directory to every member (after a verdict that must not wait for their next pull). */
    private void pushDirectory() {
        List<NodeRecord> all = registry.nodes();
        for (NodeRecord r : all) {
            if (r.local() || r.status() == NodeStatus.PURGED) {
                continue;
            }
            for (int from = 0; from < all.size(); from += MeshCodec.DIRECTORY_PAGE) {
                send(r.nodeId(), directoryPage(from));
            }
        }
    }

    private Directory directoryPage(int from) {
        List<NodeRecord> all = registry.nodes();
        List<DirectoryEntry> page = new ArrayList<>();
        for (int i = from; i < all.size() && page.size() < MeshCodec.DIRECTORY_PAGE; i++) {
            NodeRecord r = all.get(i);
            try {
                page.add(new DirectoryEntry(r.certificate().getEncoded(), r.enrolledAt().toEpochMilli(),
                        r.lastAttested() == null ? 0 : r.lastAttested().toEpochMilli(),
                        r.attestationFailure() == null ? "" : r.attestationFailure(),
                        r.status() == NodeStatus.PURGED ? "revoked" : ""));
            } catch (java.security.cert.CertificateEncodingException e) {
                LOG.warn("mesh: certificate of {} not encodable", r.nodeId());
            }
        }
        return new Directory(registry.version(), all.size(), from, page);
    }

    private void apply(Directory d) {
        Instant now = clock.instant();
        for (DirectoryEntry e : d.entries()) {
            try {
                X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(e.certificate()));
                NodeCertificates.verify(cert, genesis.federationRoot(), now);
                String id = NodeCertificates.read(cert).nodeId();
                registry.enrolled(cert, Instant.ofEpochMilli(e.issuedAtMillis()));
                if (e.lastAttestedMillis() > 0) {
                    registry.attested(id, Instant.ofEpochMilli(e.lastAttestedMillis()));
                }
                if (!e.failure().isEmpty()) {
                    registry.attestationFailed(id, now, e.failure());
                }
                if (!e.revokedReason().isEmpty()) {
                    registry.revoked(id, now, e.revokedReason());
                    trust.remove(id);
                    pinned.remove(id);
                }
            } catch (Exception ex) {
                registry.violation(authorityName, now, "directory entry not valid: " + ex.getMessage());
            }
        }
        for (NodeRecord r : registry.nodes()) {
            if (!r.local() && r.status() != NodeStatus.PURGED) {
                ensurePinned(r);
            }
        }
    }

    private void answer(Channel from, AttestChallenge c) {
        try {
            Quote q = attestation.quote(c.nonce(), PcrSelection.parse(c.pcrSelection()));
            byte[] ak = attestation.attestationKey().tpmPublic();
            byte[] sig = nodeKey.sign(Transcripts.reattestation(c.nonce(), ak, q.attest()));
            from.reply(MeshCodec.encode(new AttestResponse(c.nonce(), ak, q.attest(), q.signature(),
                    q.pcrValues().concatenated(), sig)));
        } catch (Exception e) {
            LOG.warn("[WARN] Could not answer the authority's attestation challenge: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        link.close();
    }
}
