package io.aethercore.mesh.gospel;

import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.formats.merkle.CheckpointNotes;
import io.aethercore.mesh.pki.NodeCertificates;
import io.aethercore.mesh.pki.NodeIdentity;
import io.aethercore.mesh.wire.WireException;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The outcome of validating one entry against the state. */
record Verdict(Object body, String problem, boolean pending) {
    static Verdict ok(Object body) {
        return new Verdict(body, null, false);
    }

    static Verdict refused(String why) {
        return new Verdict(null, why, false);
    }

    static Verdict pending(String why) {
        return new Verdict(null, why, true);
    }
}

/**
 * The federation as the Gospel defines it: who is enrolled, purged, an operator; roots; configuration. Validates
 * an entry against itself and applies it ({@link #apply}); {@link Gospel} validates a batch on a {@link #copy()}
 * and keeps the copy only when every entry is valid.
 */
final class LedgerState {
    final Map<String, X509Certificate> certs;
    final Map<String, Reason> revoked;
    final List<String> operators;
    final List<String> retiredOperators;
    final List<X509Certificate> roots;
    final Map<String, String> config;
    final Map<String, Long> cutoffs;
    /** Pending CONFIG entries by leaf hash (hex): key, value and the operators that approved. */
    final Map<String, Proposal> proposals;
    int quorum;

    record Proposal(String key, String value, List<String> approvals) {
    }

    private LedgerState(Map<String, X509Certificate> certs, Map<String, Reason> revoked, List<String> operators,
            List<String> retiredOperators, List<X509Certificate> roots, Map<String, String> config, Map<String, Long> cutoffs,
            Map<String, Proposal> proposals, int quorum) {
        this.certs = certs;
        this.revoked = revoked;
        this.operators = operators;
        this.retiredOperators = retiredOperators;
        this.roots = roots;
        this.config = config;
        this.cutoffs = cutoffs;
        this.proposals = proposals;
        this.quorum = quorum;
    }

    static LedgerState initial(X509Certificate root, int quorum) {
        return new LedgerState(new LinkedHashMap<>(), new LinkedHashMap<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(List.of(root)), new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(),
                quorum);
    }

    LedgerState copy() {
        Map<String, Proposal> p = new LinkedHashMap<>();
        proposals.forEach((k, v) -> p.put(k, new Proposal(v.key, v.value, new ArrayList<>(v.approvals))));
        return new LedgerState(new LinkedHashMap<>(certs), new LinkedHashMap<>(revoked), new ArrayList<>(operators),
                new ArrayList<>(retiredOperators), new ArrayList<>(roots), new LinkedHashMap<>(config), new LinkedHashMap<>(cutoffs), p, quorum);
    }

    boolean mayAuthor(String nodeId, String authority) {
        if (revoked.containsKey(nodeId)) {
            return false;
        }
        return nodeId.equals(authority) || operators.contains(nodeId);
    }

    static X509Certificate certificate(byte[] der) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    }

    interface Keys {
        RawPublicKey of(String author);

        /** Whether {@code note} is signed by {@code author}'s key. */
        boolean signedBy(SignedCheckpoint note, String author);
    }

    /** Validates {@code e} against this state and, if valid, applies it here. */
    Verdict apply(Entry e, byte[] raw, String authority, MerkleHasher hasher, Keys keys) {
        String author = e.author();
        Long cut = cutoffs.get(author);
        if (cut != null && e.seq() >= cut) {
            return Verdict.refused(author + " was purged; its entries from " + cut + " on are void");
        }
        boolean fa = author.equals(authority);
        // a purged operator's entries before its cutoff stay valid: it was an operator when it signed them
        boolean retired = cut != null && retiredOperators.contains(author);
        if (!fa && !operators.contains(author) && !retired) {
            return Verdict.pending(author + " is not an authority of this federation (yet)");
        }
        try {
            switch (e.kind()) {
                case ENROL: {
                    if (!fa) {
                        return Verdict.refused("only the Federation Authority enrols nodes");
                    }
                    Bodies.Enrol b = Bodies.Enrol.decode(e.body());
                    X509Certificate c = certificate(b.certificate());
                    NodeCertificates.verify(c, roots, Instant.ofEpochMilli(e.timeMillis()));
                    NodeIdentity id = NodeCertificates.read(c);
                    if (revoked.containsKey(id.nodeId())) {
                        return Verdict.refused(id.nodeId() + " was purged; it comes back only under a new NodeID");
                    }
                    if (certs.isEmpty() && !id.nodeId().equals(authority)) {
                        return Verdict.refused("the authority's chain must begin with its own certificate");
                    }
                    certs.put(id.nodeId(), c);
                    return Verdict.ok(c);
                }
                case REVOKE: {
                    Bodies.Revoke b = Bodies.Revoke.decode(e.body());
                    if (b.nodeId().equals(authority)) {
                        return Verdict.refused("the Federation Authority cannot be purged through the Gospel");
                    }
                    if (!certs.containsKey(b.nodeId())) {
                        return Verdict.pending(b.nodeId() + " is not enrolled (yet)");
                    }
                    if (b.nodeId().equals(author)) {
                        return Verdict.refused("an author cannot purge itself");
                    }
                    if (b.cutoff() > 0) {
                        SignedCheckpoint sc = CheckpointNotes.parse(b.cutoffNote());
                        if (sc.checkpoint().size() != b.cutoff() || !keys.signedBy(sc, b.nodeId())) {
                            return Verdict.refused("the cutoff checkpoint is not " + b.nodeId() + "'s, of "
                                    + b.cutoff() + " entries");
                        }
                    }
                    if (!revoked.containsKey(b.nodeId())) {
                        revoked.put(b.nodeId(), b.reason());
                        cutoffs.put(b.nodeId(), b.cutoff());
                        if (operators.remove(b.nodeId())) {
                            retiredOperators.add(b.nodeId());
                        }
                    }
                    return Verdict.ok(b);
                }
                case OPERATOR: {
                    if (!fa) {
                        return Verdict.refused("only the Federation Authority grants the operator role");
                    }
                    Bodies.Operator b = Bodies.Operator.decode(e.body());
                    if (!certs.containsKey(b.nodeId()) || revoked.containsKey(b.nodeId())) {
                        return Verdict.refused(b.nodeId() + " is not an enrolled node");
                    }
                    if (b.granted() && !operators.contains(b.nodeId())) {
                        operators.add(b.nodeId());
                    } else if (!b.granted()) {
                        operators.remove(b.nodeId());
                    }
                    return Verdict.ok(b);
                }
                case CONFIG: {
                    Bodies.Config b = Bodies.Config.decode(e.body());
                    String problem = MeshKeys.check(b.key(), b.value());
                    if (problem != null) {
                        return Verdict.refused(problem);
                    }
                    if (quorum <= 1) {
                        apply(b.key(), b.value());
                        return Verdict.ok(b);
                    }
                    proposals.put(HexFormat.of().formatHex(hasher.leafHash(raw)),
                            new Proposal(b.key(), b.value(), new ArrayList<>(List.of(author))));
                    return Verdict.ok(new Gospel.Pending(b, 1, quorum));
                }
                case APPROVE: {
                    Bodies.Approve b = Bodies.Approve.decode(e.body());
                    Proposal p = proposals.get(HexFormat.of().formatHex(b.configLeafHash()));
                    if (p == null) {
                        return Verdict.pending("approves a configuration change this node has not seen (yet)");
                    }
                    if (!p.approvals.contains(author)) {
                        p.approvals.add(author);
                    }
                    if (p.approvals.size() >= quorum) {
                        proposals.remove(HexFormat.of().formatHex(b.configLeafHash()));
                        apply(p.key, p.value);
                        return Verdict.ok(new Bodies.Config(p.key, p.value));
                    }
                    return Verdict.ok(new Gospel.Pending(new Bodies.Config(p.key, p.value), p.approvals.size(), quorum));
                }
                case ROOT_ROTATION: {
                    if (!fa) {
                        return Verdict.refused("only the Federation Authority rotates the root");
                    }
                    Bodies.RootRotation b = Bodies.RootRotation.decode(e.body());
                    X509Certificate next = certificate(b.newRoot());
                    X509Certificate cross = certificate(b.crossCertificate());
                    cross.verify(roots.get(0).getPublicKey());
                    if (!cross.getPublicKey().equals(next.getPublicKey())) {
                        return Verdict.refused("the cross-certificate is not of the new root's key");
                    }
                    next.verify(next.getPublicKey());
                    roots.add(0, next);
                    return Verdict.ok(b);
                }
                case NOTE:
                    return Verdict.ok(Bodies.Note.decode(e.body()));
                default:
                    return Verdict.refused("unknown kind");
            }
        } catch (WireException ex) {
            return Verdict.refused("malformed " + e.kind() + " body: " + ex.getMessage());
        } catch (Exception ex) {
            return Verdict.refused(e.kind() + " not valid: " + ex.getMessage());
        }
    }

    private void apply(String key, String value) {
        config.put(key, value);
        if (key.equals(MeshKeys.QUORUM)) {
            quorum = Integer.parseInt(value);
        }
    }
}

