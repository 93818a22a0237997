package io.aethercore.api.mesh;

import java.time.Instant;
import java.util.Objects;

/**
 * Something the mesh did that an operator watches for (the dashboard's purge sweep, the resync banner).
 * Delivered to every {@link MeshEventListener} service, in order, on a mesh thread.
 *
 * @param type what happened
 * @param nodeId the node it is about (the purged node; this node for a state change)
 * @param detail human-readable detail: the reason of a purge, the new mesh state, the Gospel root
 * @param at when this node saw it
 * @since 1.1.0
 */
public record MeshEvent(Type type, String nodeId, String detail, Instant at) {

    /** Kinds of mesh events. */
    public enum Type {
        /** A revocation (purge) reached this node through the Gospel. */
        REVOKED,
        /** The purged node's sessions are torn down on this node and its keys unpinned: the Aetheric Sweep. */
        SWEEP_COMPLETED,
        /** Every peer holds the same Gospel root again after a contested or diverged period. */
        RESYNC_COMPLETE,
        /** The mesh state (HEALTHY, DEGRADED, CONTESTED, RESYNCING) changed; detail is the new state. */
        STATE_CHANGED,
        /** An author signed two conflicting Gospel trees (a fork); detail says how it was proved. */
        BYZANTINE_DETECTED,
        /** A mesh-wide configuration value took effect; detail is {@code key=value}. */
        CONFIGURATION_APPLIED
    }

    public MeshEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(at, "at");
    }
}
