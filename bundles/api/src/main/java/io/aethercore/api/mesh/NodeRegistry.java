package io.aethercore.api.mesh;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The federation as this node knows it: every enrolled node with its status and trust score. A read
 * model: it changes only through {@link RegistryUpdates} and by the passing of time (liveness, quote
 * freshness). Thread-safe; the lists are snapshots.
 */
@ProviderType
public interface NodeRegistry {

    /** Every known node, sorted by NodeID. */
    List<NodeRecord> nodes();

    Optional<NodeRecord> node(String nodeId);

    /** This node's own NodeID once it is enrolled. */
    Optional<String> localNodeId();

    /** Adds a listener told of every status change; returns a handle that removes it. */
    AutoCloseable onStatusChange(StatusListener listener);

    /** Told when a node's status changes (called on a registry thread; must not block). */
    @FunctionalInterface
    interface StatusListener {
        void changed(NodeRecord before, NodeRecord after);
    }
}
