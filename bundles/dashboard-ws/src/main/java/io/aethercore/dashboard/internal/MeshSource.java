package io.aethercore.dashboard.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.aethercore.api.mesh.MeshHealth;
import io.aethercore.api.mesh.NodeRecord;
import io.aethercore.api.mesh.NodeRegistry;
import io.aethercore.dashboard.HealthModel;
import io.aethercore.dashboard.HealthModel.MeshSummary;
import io.aethercore.dashboard.HealthModel.NodeHealth;
import io.aethercore.dashboard.HealthModel.Snapshot;
import io.aethercore.dashboard.TelemetryPipeline;

/**
 * Reads the node's registry and mesh state into the hub's model, and publishes each node's trust and Gospel
 * lag as telemetry samples (the per-node samples of the pipeline). Either service may be absent (a node
 * without a mesh shows only itself, or nothing).
 */
final class MeshSource implements HealthModel.Source {

    volatile NodeRegistry registry;
    volatile MeshHealth health;
    volatile TelemetryPipeline telemetry;

    @Override
    public Snapshot read() {
        NodeRegistry r = registry;
        MeshHealth h = health;
        MeshHealth.Status st = null;
        if (h != null) {
            try {
                st = h.status();
            } catch (RuntimeException e) {
                st = null; // the mesh is stopping; show what the registry has
            }
        }
        Map<String, MeshHealth.Peer> peers = new HashMap<>();
        if (st != null) {
            for (MeshHealth.Peer p : st.peers()) {
                peers.put(p.nodeId(), p);
            }
        }
        MeshSummary mesh = st == null ? MeshSummary.NONE
                : new MeshSummary(st.state(), st.gospelSize(), st.gospelRoot().length() > 8 ? st.gospelRoot().substring(0, 8)
                        : st.gospelRoot());
        if (r == null) {
            return new Snapshot("", mesh, List.of());
        }
        TelemetryPipeline t = telemetry;
        List<NodeHealth> nodes = new ArrayList<>();
        for (NodeRecord n : r.nodes()) {
            MeshHealth.Peer p = peers.get(n.nodeId());
            long lag = p == null ? 0 : p.lag();
            boolean reachable = n.local() || p != null && p.reachable();
            double trust = n.trust().value();
            nodes.add(new NodeHealth(n.nodeId(), n.status().name(), trust,
                    n.lastSeen() == null ? -1 : n.lastSeen().toEpochMilli(), lag, n.attestation().id(), n.local(),
                    reachable));
            if (t != null) {
                t.emit(n.nodeId(), "trust", trust);
                t.emit(n.nodeId(), "gospel.lag", lag);
            }
        }
        return new Snapshot(r.localNodeId().orElse(""), mesh, nodes);
    }
}
