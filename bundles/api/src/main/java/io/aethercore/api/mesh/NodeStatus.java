package io.aethercore.api.mesh;

/**
 * How far a node is trusted now. The first three follow from the trust score; the last two are facts
 * that no score can undo.
 */
public enum NodeStatus {
    /** Trust score at or above the healthy threshold (0.9 by default). */
    HEALTHY,
    /** Below the healthy threshold, at or above the quarantine threshold. */
    DEGRADED,
    /** Below the quarantine threshold (0.6 by default): peers keep their distance. */
    QUARANTINED,
    /** Its attestation failed (a quote that does not match the enrollment policy, a wrong key). */
    COMPROMISED,
    /** Revoked by the federation; it can only come back through a new enrollment. */
    PURGED
}
