package io.aethercore.api.mesh;

import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Mesh-wide configuration through the Gospel: a value set here is an entry every node applies (after its
 * quorum of operator approvals, when one is set). Registered by a running mesh on a node that may sign
 * Gospel entries.
 *
 * @since 1.1.0
 */
@ProviderType
public interface MeshConfiguration {

    /** The keys that travel in the Gospel (properties of {@code io.aethercore.mesh}). */
    Set<String> meshWideKeys();

    /**
     * Appends the change to the Gospel; returns what happened ("applied", or "proposed, 1 of 2 approvals").
     *
     * @throws MeshException if the value is invalid or this node may not sign Gospel entries
     */
    String propose(String key, String value) throws MeshException;
}
