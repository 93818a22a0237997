package io.aethercore.mesh.internal;

import io.aethercore.mesh.MeshNode;
import io.aethercore.mesh.gospel.Bodies;
import io.aethercore.mesh.gospel.Entry;
import io.aethercore.mesh.gospel.Gospel;
import io.aethercore.mesh.gospel.GospelException;
import io.aethercore.mesh.gospel.MeshKeys;
import io.aethercore.mesh.gospel.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the console does with the running mesh (purge, notes, operators, mesh-wide configuration); a service
 * private to this bundle, registered once the node runs.
 */
public final class MeshControl implements io.aethercore.api.mesh.MeshConfiguration, io.aethercore.api.mesh.MeshHealth {

    private final MeshNode node;

    MeshControl(MeshNode node) {
        this.node = node;
    }

    public MeshNode node() {
        return node;
    }

    public Gospel gospel() {
        return node.gospel();
    }

    /** Appends a revocation of {@code target}; returns the entry. */
    public Entry purge(String target, Reason reason, String comment) throws GospelException {
        if (target.equals(node.nodeId())) {
            throw new GospelException("a node does not purge itself", null);
        }
        return node.gospel().purge(target, reason, comment);
    }

    /** Appends {@code count} notes (one signed checkpoint for all). */
    public List<Entry> note(String text, int count) throws GospelException {
        List<Gospel.Draft> drafts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String t = count == 1 ? text : text + " #" + (i + 1);
            drafts.add(new Gospel.Draft(Entry.Kind.NOTE, new Bodies.Note(t).encode()));
        }
        return node.append(drafts);
    }

    public Entry operator(String target, boolean granted) throws GospelException {
        return node.append(List.of(new Gospel.Draft(Entry.Kind.OPERATOR,
                new Bodies.Operator(target, granted).encode()))).get(0);
    }

    /** Proposes (or, without a quorum, sets) a mesh-wide key. */
    public Entry configure(String key, String value) throws GospelException {
        String problem = MeshKeys.check(key, value);
        if (problem != null) {
            throw new GospelException(problem, null);
        }
        return node.append(List.of(new Gospel.Draft(Entry.Kind.CONFIG, new Bodies.Config(key, value.trim()).encode())))
                .get(0);
    }

    @Override
    public io.aethercore.api.mesh.MeshHealth.Status status() {
        Gospel.Summary s = node.gospel().summary();
        List<io.aethercore.api.mesh.MeshHealth.Peer> peers = new ArrayList<>();
        for (io.aethercore.mesh.gospel.GospelSync.PeerView p : node.sync().peers()) {
            peers.add(new io.aethercore.api.mesh.MeshHealth.Peer(p.peer(), p.reachable(), p.root() == null ? -1 : p.size(),
                    Math.max(0, p.lag()), p.loss(), p.agrees()));
        }
        return new io.aethercore.api.mesh.MeshHealth.Status(node.sync().state().name(), s.size(),
                s.root() == null ? "" : java.util.HexFormat.of().formatHex(s.root()), peers);
    }

    @Override
    public java.util.Set<String> meshWideKeys() {
        return java.util.Set.copyOf(MeshKeys.ALL);
    }

    @Override
    public String propose(String key, String value) throws io.aethercore.api.mesh.MeshException {
        try {
            Entry e = configure(key, value);
            String now = node.gospel().configuration().get(key);
            return value.trim().equals(now) ? "applied on every node as Gospel entry " + e
                    : "proposed as Gospel entry " + e + "; it applies once " + node.gospel().quorum()
                            + " operators approved it (aether:config-approve " + e.author() + "#" + e.seq() + ")";
        } catch (GospelException ex) {
            throw new io.aethercore.api.mesh.MeshException(ex.getMessage(), ex);
        }
    }

    /** Approves the CONFIG entry {@code seq} of {@code author}'s chain. */
    public Entry approve(String author, long seq) throws GospelException {
        Optional<byte[]> leaf = node.gospel().leafHash(author, seq);
        if (leaf.isEmpty()) {
            throw new GospelException("this node holds no entry " + author + "#" + seq, null);
        }
        return node.append(List.of(new Gospel.Draft(Entry.Kind.APPROVE, new Bodies.Approve(leaf.get()).encode()))).get(0);
    }
}
