package io.aethercore.mesh;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.mesh.MeshEvent;
import io.aethercore.api.mesh.NodeRecord;
import io.aethercore.api.mesh.NodeStatus;
import io.aethercore.mesh.enrol.Authority;
import io.aethercore.mesh.enrol.EnrollmentClient;
import io.aethercore.mesh.enrol.SignatureCheck;
import io.aethercore.mesh.enrol.Transcripts;
import io.aethercore.mesh.gospel.Bodies;
import io.aethercore.mesh.gospel.Entry;
import io.aethercore.mesh.gospel.Gospel;
import io.aethercore.mesh.gospel.GospelException;
import io.aethercore.mesh.gospel.GospelSync;
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
import io.aethercore.mesh.wire.MeshMessage.GospelBatch;
import io.aethercore.mesh.wire.MeshMessage.GospelFetch;
import io.aethercore.mesh.wire.MeshMessage.GospelSummary;
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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the mesh at run time: dispatches what peers send, sends heartbeats, holds the Gospel and
 * keeps it in sync with the peers, projects it into the registry (enrollments, purges) and pins every
 * enrolled node's B4AE keys, keeps attestation verdicts in step with the authority's directory, and, on
 * the authority, re-attests every node each interval. Plain Java; the DS component builds it.
 */
public final class MeshNode implements AutoCloseable {

    /**
     * What the Gospel needs on this node: where it journals, how signatures are checked, the sync's timers,
     * where events go.
     */
    public record GospelParts(Gospel.Journal journal, SignatureCheck signatures, GospelSync.Tuning tuning,
            Consumer<MeshEvent> events, java.util.Random random) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(MeshNode.class);

    private final String nodeId;
    private final GenesisPayload genesis;
    private final String authorityName;
    private final Registry registry;
    private final MeshLink link;
    private final TrustStore trust;
    private final Attestation attestation;
    private final NodeKey nodeKey;
    private volatile boolean nodeKeyMoved;
    private final Clock clock;
    private final Authority authority; // null on members
    private final EnrollmentClient enrollment; // null on the authority
    private final Workers workers;
    private final Map<String, String> pinned = new ConcurrentHashMap<>();
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Gospel gospel;
    private final GospelSync sync;
    private final Consumer<MeshEvent> events;
    private volatile boolean joined;

    public MeshNode(String nodeId, GenesisPayload genesis, Registry registry, MeshLink link, TrustStore trust,
            Attestation attestation, NodeKey nodeKey, Clock clock, Authority authority, EnrollmentClient enrollment,
            Workers workers, GospelParts parts) throws GospelException {
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
        this.events = parts.events();
        this.gospel = new Gospel(authorityName, genesis.federationRoot(), genesis.parameters().quorumSize(),
                parts.journal(), parts.signatures(), clock, new Projection());
        int records = gospel.load();
        if (records > 0) {
            var s = gospel.summary();
            LOG.info("[INFO] Gospel loaded: {} entries in {} chains, root {}", s.size(), s.heads().size(),
                    java.util.HexFormat.of().formatHex(s.root(), 0, 8));
        }
        try {
            io.aethercore.api.crypto.RawPublicKey authorKey = nodeKey.handle().publicKey();
            gospel.author(new Gospel.Author(nodeId, authorKey, message -> signAsAuthor(authorKey, message)));
        } catch (Exception e) {
            LOG.warn("[WARN] This node cannot sign Gospel entries: {}", e.getMessage());
        }
        this.sync = new GospelSync(nodeId, gospel, this::syncPeers, (peer, m) -> send(peer, m), clock, parts.random(),
                parts.tuning(), new SyncEvents());
        link.handler(this::received);
    }

    public Gospel gospel() {
        return gospel;
    }

    public GospelSync sync() {
        return sync;
    }

    public String nodeId() {
        return nodeId;
    }

    private List<String> syncPeers() {
        List<String> out = new ArrayList<>();
        for (NodeRecord r : registry.nodes()) {
            if (!r.local() && r.status() != NodeStatus.PURGED && gospel.revocation(r.nodeId()).isEmpty()) {
                out.add(r.nodeId());
            }
        }
        return out;
    }

    /** Appends this node's entries to the Gospel (the authority, an operator). */
    public List<Entry> append(List<Gospel.Draft> drafts) throws GospelException {
        return gospel.append(drafts);
    }

    private void publish(MeshEvent.Type type, String node, String detail) {
        try {
            events.accept(new MeshEvent(type, node, detail, clock.instant()));
        } catch (RuntimeException e) {
            LOG.warn("mesh: an event listener failed: {}", e.toString());
        }
    }

    /** The Gospel's effects on this node: the registry is its projection. */
    private final class Projection implements Gospel.Effects {
        @Override
        public void applied(Entry e, Object body, boolean replay) {
            Instant at = Instant.ofEpochMilli(e.timeMillis());
            if (body instanceof X509Certificate cert) {
                try {
                    registry.enrolled(cert, at);
                    if (joined) {
                        registry.node(NodeCertificates.read(cert).nodeId()).ifPresent(r -> {
                            if (!r.local()) {
                                ensurePinned(r);
                            }
                        });
                    }
                } catch (Exception ex) {
                    LOG.warn("[WARN] Gospel enrollment not applied: {}", ex.getMessage());
                }
            } else if (body instanceof Bodies.Revoke r) {
                purged(r, e.author(), replay);
            } else if (body instanceof Bodies.Operator o && !replay) {
                LOG.info("[INFO] Gospel: {} {} the operator role", o.nodeId(), o.granted() ? "holds" : "no longer holds");
            } else if (body instanceof Bodies.Config c) {
                if (!replay) {
                    LOG.info("[INFO] Gospel: mesh-wide {} = {} (entry {})", c.key(), c.value(), e);
                    publish(MeshEvent.Type.CONFIGURATION_APPLIED, nodeId, c.key() + "=" + c.value());
                }
            } else if (body instanceof Gospel.Pending p && !replay) {
                LOG.info("[INFO] Gospel: mesh-wide {} = {} proposed, {} of {} approvals", p.config().key(),
                        p.config().value(), p.approvals(), p.quorum());
            }
        }

        @Override
        public void committed(String author, int added, boolean replay) {
            if (!replay && added > 0) {
                var s = gospel.summary();
                LOG.info("[INFO] Gospel: +{} of {}; {} entries, root {}", added, author, s.size(),
                        java.util.HexFormat.of().formatHex(s.root(), 0, 8));
            }
        }

        @Override
        public void forked(Gospel.ForkProof proof) {
            LOG.error("[ERROR] ByzantineDetection: {}", proof.describe());
            registry.violation(proof.author(), clock.instant(), "ByzantineDetection: " + proof.describe());
            publish(MeshEvent.Type.BYZANTINE_DETECTED, proof.author(), proof.describe());
            if (gospel.isAuthority(nodeId) && !proof.author().equals(nodeId)) {
                // the authority (or an operator) purges a forking author at once; its whole chain is void
                workers.pool("gospel-purge", 1, 16).execute(() -> {
                    try {
                        gospel.append(List.of(new Gospel.Draft(Entry.Kind.REVOKE, new Bodies.Revoke(proof.author(),
                                io.aethercore.mesh.gospel.Reason.BYZANTINE_DETECTION, 0, new byte[0],
                                "forked its Gospel chain").encode())));
                    } catch (GospelException ex) {
                        LOG.warn("[WARN] Could not purge {} after its fork: {}", proof.author(), ex.getMessage());
                    }
                });
            }
        }
    }

    private void purged(Bodies.Revoke r, String by, boolean replay) {
        String node = r.nodeId();
        registry.revoked(node, clock.instant(), r.reason().label());
        trust.remove(node);
        pinned.remove(node);
        if (replay || node.equals(nodeId)) {
            if (node.equals(nodeId) && !replay) {
                LOG.error("[ERROR] This node was purged by {} ({}); it must enrol again under a new NodeID", by,
                        r.reason().label());
            }
            return;
        }
        LOG.warn("[WARN] Revocation received: {} purged by {} ({})", node, by, r.reason().label());
        publish(MeshEvent.Type.REVOKED, node, r.reason().label() + " by " + by);
        int closed = link.disconnect(node);
        LOG.info("[INFO] Aetheric Sweep: {} session(s) with {} torn down, its keys unpinned", closed, node);
        publish(MeshEvent.Type.SWEEP_COMPLETED, node, closed + " session(s) torn down");
    }

    private final class SyncEvents implements GospelSync.Listener {
        @Override
        public void refused(String peer, String reason) {
            registry.violation(peer, clock.instant(), reason);
            LOG.warn("[WARN] {}: {}", peer, reason);
        }

        @Override
        public void resyncComplete(int peers, byte[] root, long size, long divergedMillis) {
            String detail = peers + " peers agree on Gospel root " + java.util.HexFormat.of().formatHex(root, 0, 8)
                    + " (" + size + " entries) after " + divergedMillis + " ms";
            LOG.info("[SUCCESS] Mesh Resync Complete: {}", detail);
            publish(MeshEvent.Type.RESYNC_COMPLETE, nodeId, detail);
        }

        @Override
        public void state(GospelSync.MeshState before, GospelSync.MeshState after) {
            LOG.info("[INFO] Mesh state {} -> {}", before, after);
            publish(MeshEvent.Type.STATE_CHANGED, nodeId, after.name());
        }
    }

    /**
     * Signs a Gospel checkpoint with the node key this node joined the mesh with. The node-key policy moves the key
     * when a better-ranked custody appears (a PKCS#11 token configured later, for instance); a checkpoint signed by
     * the new key carries no signature any peer accepts (its certificate names the old one), so every peer would
     * refuse this node's entries, purges included, without a word here. Refusing to sign says it where the operator
     * sees it: the command that appends fails with this message, and the log has it once.
     */
    private byte[] signAsAuthor(io.aethercore.api.crypto.RawPublicKey authorKey, byte[] message) throws Exception {
        io.aethercore.api.custody.KeyHandle now = nodeKey.handle();
        if (!now.publicKey().equals(authorKey)) {
            String why = "the node signing key changed after this node joined the mesh (now " + now.custody() + "/"
                    + now.label() + "): peers accept Gospel entries only under the key of its certificate, so none is"
                    + " signed. Put the key back (io.aethercore.node.key: custody = the custody it had, e.g. software)"
                    + " or re-enrol this node (docs/mesh.md)";
            if (!nodeKeyMoved) {
                nodeKeyMoved = true;
                LOG.error("[ERROR] {}", why);
            }
            throw new io.aethercore.api.custody.KeyCustodyException(why);
        }
        nodeKeyMoved = false;
        return nodeKey.sign(message);
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
        if (authority != null) {
            seedAuthorityChain(own);
        }
        for (NodeRecord r : registry.nodes()) {
            if (!r.local() && r.status() != NodeStatus.PURGED) {
                ensurePinned(r);
            }
        }
        var p = genesis.parameters();
        workers.every("gospel", sync.tickInterval(), sync::tick);
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

    /**
     * The authority's chain begins with its own certificate (the key that signs the chain), then every
     * certificate it issued that the Gospel does not hold yet.
     */
    private void seedAuthorityChain(X509Certificate own) {
        try {
            List<Gospel.Draft> drafts = new ArrayList<>();
            if (gospel.size(nodeId) == 0) {
                drafts.add(new Gospel.Draft(Entry.Kind.ENROL, new Bodies.Enrol(own.getEncoded()).encode()));
            }
            java.util.Set<String> inGospel = new java.util.HashSet<>();
            for (Entry e : gospel.entries()) {
                if (e.kind() == Entry.Kind.ENROL) {
                    inGospel.add(java.util.HexFormat.of().formatHex(e.body()));
                }
            }
            for (NodeRecord r : registry.nodes()) {
                if (!r.local()) {
                    byte[] body = new Bodies.Enrol(r.certificate().getEncoded()).encode();
                    if (!inGospel.contains(java.util.HexFormat.of().formatHex(body))) {
                        drafts.add(new Gospel.Draft(Entry.Kind.ENROL, body));
                    }
                }
            }
            if (!drafts.isEmpty()) {
                gospel.append(drafts);
                LOG.info("[INFO] Gospel: {} enrollment(s) recorded by the authority", drafts.size());
            }
        } catch (Exception e) {
            LOG.error("[ERROR] The authority could not record enrollments in the Gospel: {}", e.getMessage());
        }
    }

    /** The authority issued a certificate: it goes into the Gospel, which carries it to every node. */
    public void issued(X509Certificate cert) {
        try {
            gospel.append(List.of(new Gospel.Draft(Entry.Kind.ENROL, new Bodies.Enrol(cert.getEncoded()).encode())));
        } catch (Exception e) {
            LOG.error("[ERROR] The enrollment of {} is not in the Gospel: {}", cert.getSubjectX500Principal(),
                    e.getMessage());
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
        if (peer.isEmpty() || gospel.revocation(peer).isPresent()) {
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
        } else if (m instanceof GospelSummary || m instanceof GospelFetch || m instanceof GospelBatch) {
            if (gospel.revocation(peer).isPresent()) {
                dropped.incrementAndGet(); // a purged node's Gospel messages are refused
                return;
            }
            registry.seen(peer, now);
            sync.received(peer, m);
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
