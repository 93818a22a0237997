package io.aethercore.api.custody;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's signing key, wherever policy says it lives now (software custody, TPM, HSM). Consumers
 * that sign on the node's behalf (checkpoints, audit records) use this service instead of choosing a
 * custody themselves; when the policy moves the key to another custody, they follow without change.
 */
@ProviderType
public interface NodeKey {

    /** The current key (custody, kind, label, public key). */
    KeyHandle handle() throws KeyCustodyException;

    /** Signs with the current key; the handle used is returned by {@link #handle()} at that moment. */
    byte[] sign(byte[] message) throws KeyCustodyException;
}
