package io.aethercore.api.mesh;

import io.aethercore.api.attestation.AttestationKind;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * One enrolled node as the registry sees it now.
 *
 * @param nodeId the NodeID in its certificate's subject
 * @param status its status now
 * @param trust its trust score now, with the factors
 * @param attestation how it attested at enrollment ({@code software} nodes stay marked so everywhere)
 * @param certificate its node certificate, issued by the federation root
 * @param address where its B4AE endpoint listens, as it declared at enrollment, or null
 * @param b4aeFingerprint SHA-256 SPKI fingerprint of its B4AE ML-DSA-87 key
 * @param enrolledAt when the certificate was issued
 * @param lastSeen when this node last heard from it, or null
 * @param lastAttested when its last quote verified, or null
 * @param attestationFailure why its last attestation failed, or null
 * @param violations protocol violations recorded against it
 * @param local whether this record is the node itself
 */
public record NodeRecord(
        String nodeId,
        NodeStatus status,
        TrustScore trust,
        AttestationKind attestation,
        X509Certificate certificate,
        InetSocketAddress address,
        String b4aeFingerprint,
        Instant enrolledAt,
        Instant lastSeen,
        Instant lastAttested,
        String attestationFailure,
        int violations,
        boolean local) {
    public NodeRecord {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(attestation, "attestation");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(b4aeFingerprint, "b4aeFingerprint");
        Objects.requireNonNull(enrolledAt, "enrolledAt");
    }
}
