package io.aethercore.api.mesh;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Scores a node from what is observed of it. The mesh uses the highest-ranked policy service and
 * re-scores every node when a policy comes or goes. Implementations are pure functions of their input
 * (no I/O, no clock of their own) and thread-safe.
 */
@ConsumerType
public interface TrustPolicy {

    /** The score and the factors it is made of. */
    TrustScore score(NodeObservations observations);

    /**
     * The status for a score: {@link NodeStatus#PURGED} when revoked, {@link NodeStatus#COMPROMISED} when
     * attestation failed, else by the thresholds. Packet loss alone may lower a score but must never make
     * a node COMPROMISED.
     */
    NodeStatus status(TrustScore score, NodeObservations observations);
}
