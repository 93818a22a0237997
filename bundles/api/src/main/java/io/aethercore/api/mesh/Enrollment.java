package io.aethercore.api.mesh;

import io.aethercore.api.attestation.AttestationKind;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * This node's membership of the federation: it loads the genesis bundle, enrols with the Federation
 * Authority that the bundle pins (retrying with backoff until it succeeds or is refused), and keeps the
 * node certificate it got.
 */
@ProviderType
public interface Enrollment {

    /** Where the node is on its way into the federation. */
    enum State {
        /** The {@code io.aethercore.mesh} configuration was refused (see {@link Status#message()}); the mesh is idle. */
        CONFIGURATION_INVALID,
        /** No genesis bundle is configured or present. */
        NO_GENESIS,
        /** The genesis bundle could not be loaded (see {@link Status#message()}). */
        GENESIS_INVALID,
        /** Trying to reach the authority or waiting for its answer. */
        ENROLLING,
        /** The authority refused; the node does not retry until told to. */
        REFUSED,
        /** Enrolled: the node holds a certificate of the federation. */
        ENROLLED
    }

    /**
     * @param state where it is
     * @param nodeId the NodeID it asks for (or holds)
     * @param attestation how it attests
     * @param certificate its node certificate once enrolled, else null
     * @param federationRoot the federation root from the genesis bundle, else null
     * @param message the last thing that happened, in words (the error when refused or invalid)
     * @param since when it entered this state
     * @param attempts enrollment attempts made in this state
     */
    record Status(State state, String nodeId, AttestationKind attestation, X509Certificate certificate,
            X509Certificate federationRoot, String message, Instant since, int attempts) {
    }

    Status status();

    /** The node certificate, once enrolled. */
    default Optional<X509Certificate> certificate() {
        return Optional.ofNullable(status().certificate());
    }

    /**
     * Starts an enrollment attempt now (after a refusal, or to skip the backoff) and completes with the
     * certificate, or fails with a {@link MeshException} saying why.
     */
    CompletableFuture<X509Certificate> enrol();
}
