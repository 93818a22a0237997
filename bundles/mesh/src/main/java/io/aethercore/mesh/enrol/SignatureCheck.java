package io.aethercore.mesh.enrol;

import io.aethercore.api.crypto.RawPublicKey;

/** Verifies a signature (the node's crypto provider on a node; a JCA one in tests). */
@FunctionalInterface
public interface SignatureCheck {
    /** Returns normally only for a valid signature. */
    void verify(RawPublicKey key, byte[] message, byte[] signature) throws Exception;
}
