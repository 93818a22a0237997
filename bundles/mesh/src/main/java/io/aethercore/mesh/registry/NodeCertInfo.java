package io.aethercore.mesh.registry;

import io.aethercore.api.attestation.AttestationKind;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What a node certificate says about its node.
 *
 * @param nodeId the NodeID in the subject
 * @param attestation how the node attested at enrollment
 * @param address where its B4AE endpoint listens, or null if it declared none
 * @param b4aeFingerprint SHA-256 SPKI fingerprint of its B4AE ML-DSA-87 key
 * @param nodeKeyFingerprint fingerprint of the certified node key: two certificates with the same
 *     NodeID and the same key are the same enrollment (a renewal); a different key is a new one
 */
public record NodeCertInfo(String nodeId, AttestationKind attestation, InetSocketAddress address,
        String b4aeFingerprint, String nodeKeyFingerprint) {
    public NodeCertInfo {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(attestation, "attestation");
        Objects.requireNonNull(b4aeFingerprint, "b4aeFingerprint");
        Objects.requireNonNull(nodeKeyFingerprint, "nodeKeyFingerprint");
        if (nodeId.isBlank()) {
            throw new IllegalArgumentException("a NodeID is not blank");
        }
    }
}
