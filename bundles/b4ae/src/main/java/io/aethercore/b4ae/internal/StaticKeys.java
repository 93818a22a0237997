package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.RawPublicKey;

/**
 * The node's long-term keys (§1): the X25519 static key (Mode A, mac1 and cookie keys) and the
 * ML-DSA-87 key (Mode B). Private halves stay in their custody; only agree and sign cross this seam.
 */
public interface StaticKeys {

    RawPublicKey x25519();

    byte[] agree(RawPublicKey peer) throws CryptoException;

    /** {@code null} when this node has no Mode B key. */
    RawPublicKey mldsa();

    byte[] sign(byte[] message) throws CryptoException;

    /**
     * The keys are retired for good (the overlap after a rotation is over): deletes the private halves from their
     * custody where it can. Nothing by default.
     */
    default void destroy() { }

    /** Where the keys live, for operators ("software/b4ae-x25519, hsm/b4ae-mldsa87"). */
    default String describe() {
        return "x25519 " + x25519().fingerprint().substring(0, 16);
    }
}
