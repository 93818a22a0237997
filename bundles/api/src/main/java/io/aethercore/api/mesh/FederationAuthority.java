package io.aethercore.api.mesh;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The Federation Authority of this node: it holds the federation root key (in hardware custody) and
 * enrols nodes that prove their platform over B4AE. Registered only on a node configured as the
 * authority ({@code role = authority}).
 */
@ProviderType
public interface FederationAuthority {

    /** The federation root certificate nodes verify against. */
    X509Certificate root();

    /**
     * The certificates that chain a newer root to older ones after rotations, oldest first (each a
     * cross-certificate issued by the previous root); empty if the root was never rotated.
     */
    List<X509Certificate> crossCertificates();

    /** The node certificates issued so far, one per NodeID (the newest). */
    List<X509Certificate> issued();

    /** The genesis bundle this authority serves to nodes that fetch it, if one is configured. */
    Optional<byte[]> genesisBundle();

    /** Counters of enrollment attempts since start. */
    EnrollmentCounters counters();

    /**
     * @param accepted enrollments that ended with a certificate
     * @param refused enrollments refused (bad proof, policy, NodeID taken)
     * @param inProgress enrollments waiting for the node's proof now
     */
    record EnrollmentCounters(long accepted, long refused, int inProgress) {
    }
}
