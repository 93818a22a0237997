package io.aethercore.mesh.registry;

import io.aethercore.api.mesh.MeshException;
import java.security.cert.X509Certificate;

/**
 * Reads what the registry needs from a node certificate. The mesh plugs in the real certificate profile
 * parser (which also checks that the federation root issued it); the registry trusts its answer.
 */
@FunctionalInterface
public interface CertificateReader {

    /**
     * @throws MeshException if the certificate is not a valid node certificate of this federation
     */
    NodeCertInfo read(X509Certificate certificate) throws MeshException;
}
