package io.aethercore.api.audit;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's keyed hashing of identities (operator, peer and session ids) for places that must not
 * show them in clear: audit sinks with hashed identities, security event logs. The same identity
 * always gives the same token on a node, so events stay correlatable; without the node's key the
 * token reveals nothing about the identity. The key never leaves the service.
 */
@ProviderType
public interface IdentityHashing {

    /**
     * The token of an identity, in the form {@code <scheme>:<encoded keyed hash>} (for example {@code
     * hmac-sha256:...}); {@code null} and empty strings are returned unchanged.
     */
    String hash(String identity);
}
