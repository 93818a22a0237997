package io.aethercore.api.mesh;

import io.aethercore.api.attestation.AttestationKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a node knows about a peer at one moment: the facts a {@link TrustPolicy} scores.
 *
 * @param attestation how the peer attests (a software node never scores as high as a TPM node)
 * @param lastAttested when its last quote verified against the enrollment policy, or null if never
 * @param attestationFailure why its last attestation failed (e.g. {@code PCR 7 differs}), or null if
 *     it did not fail
 * @param lastSeen when it was last heard from over B4AE, or null if never
 * @param violations protocol violations recorded against it (malformed or invalid messages)
 * @param revoked whether the federation revoked it
 * @param reattestationInterval how often it must attest again (from the genesis bundle)
 * @param heartbeatInterval how often it sends heartbeats (from the genesis bundle)
 * @param now the moment of the observation
 */
public record NodeObservations(
        AttestationKind attestation,
        Instant lastAttested,
        String attestationFailure,
        Instant lastSeen,
        int violations,
        boolean revoked,
        Duration reattestationInterval,
        Duration heartbeatInterval,
        Instant now) {
    public NodeObservations {
        Objects.requireNonNull(attestation, "attestation");
        Objects.requireNonNull(reattestationInterval, "reattestationInterval");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(now, "now");
        if (violations < 0) {
            throw new IllegalArgumentException("violations < 0");
        }
    }
}
