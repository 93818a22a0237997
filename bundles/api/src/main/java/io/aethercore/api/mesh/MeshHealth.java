package io.aethercore.api.mesh;

import java.util.List;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The mesh state as this node sees it now (what {@code aether:mesh-status} prints and the dashboard shows):
 * the state, this node's Gospel, and per peer its Gospel size, lag and the loss observed from it. Registered
 * by a running mesh.
 *
 * @since 1.2.0
 */
@ProviderType
public interface MeshHealth {

    /**
     * @param state {@code HEALTHY}, {@code DEGRADED}, {@code CONTESTED} or {@code RESYNCING}
     * @param gospelSize entries in this node's Gospel
     * @param gospelRoot the Gospel root, hex (empty when the Gospel is empty)
     * @param peers every peer this node syncs with
     */
    record Status(String state, long gospelSize, String gospelRoot, List<Peer> peers) {
        public Status {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(gospelRoot, "gospelRoot");
            peers = List.copyOf(peers);
        }
    }

    /**
     * @param nodeId the peer's NodeID
     * @param reachable whether it answered recently
     * @param gospelSize its Gospel size as it last told us (-1: unknown)
     * @param lag how many entries it is behind this node (0 when level or unknown)
     * @param loss the packet loss observed from it, in [0, 1]
     * @param agrees whether it holds the same Gospel root
     */
    record Peer(String nodeId, boolean reachable, long gospelSize, long lag, double loss, boolean agrees) {
        public Peer {
            Objects.requireNonNull(nodeId, "nodeId");
        }
    }

    Status status();
}
