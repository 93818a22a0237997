package io.aethercore.api.mesh;

import java.security.cert.X509Certificate;
import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The one door through which the registry changes. Facts that the federation decides (enrollment,
 * attestation verdicts, revocation) come from the Federation Authority today and from the Gospel ledger
 * later; local observations (heartbeats, protocol violations) come from this node. Every method is
 * idempotent: applying the same fact twice changes nothing.
 */
@ProviderType
public interface RegistryUpdates {

    /**
     * A node certificate issued by the federation root. A certificate for a NodeID that already has a
     * different key replaces it only when it was issued later.
     *
     * @throws MeshException if the certificate is not a valid node certificate of this federation
     */
    void enrolled(X509Certificate certificate, Instant issuedAt) throws MeshException;

    /** The node's quote verified at {@code at} against the enrollment policy. */
    void attested(String nodeId, Instant at);

    /** The node's attestation failed at {@code at}; {@code reason} names what differs (e.g. the PCR). */
    void attestationFailed(String nodeId, Instant at, String reason);

    /** This node heard from the node at {@code at} (an authenticated B4AE message). */
    void seen(String nodeId, Instant at);

    /** The node sent something invalid (recorded against its trust score). */
    void violation(String nodeId, Instant at, String reason);

    /** The federation revoked the node. */
    void revoked(String nodeId, Instant at, String reason);
}
