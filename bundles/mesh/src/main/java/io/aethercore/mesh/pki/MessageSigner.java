package io.aethercore.mesh.pki;

/**
 * Signs with a key held elsewhere (a custody: TPM, PKCS#11 token, software). Ed25519 gives 64 raw bytes,
 * ECDSA P-256 the P1363 {@code r || s} (64 bytes), as {@code KeyCustody.sign} does.
 */
@FunctionalInterface
public interface MessageSigner {
    byte[] sign(byte[] message) throws Exception;
}
