package io.aethercore.mesh.internal;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.mesh.Enrollment;
import io.aethercore.api.mesh.MeshException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** The enrollment of a node that cannot start one (no usable genesis bundle): says why, and stays so. */
final class FixedEnrollment implements Enrollment {
    private final Status status;

    FixedEnrollment(State state, String nodeId, AttestationKind kind, String message) {
        this.status = new Status(state, nodeId, kind, null, null, message, Instant.now(), 0);
    }

    @Override
    public Status status() {
        return status;
    }

    @Override
    public CompletableFuture<X509Certificate> enrol() {
        return CompletableFuture.failedFuture(new MeshException(status.message()
                + " (fix it, then restart the mesh: bundle:restart io.aethercore.mesh)"));
    }
}
