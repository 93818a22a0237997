package io.aethercore.mesh.pki;

/**
 * Signs with a key that stays in its custody (TPM, PKCS#11 token, software). The signature is in the
 * custody's format: Ed25519 as 64 raw bytes, ECDSA P-256 (SHA-256) as IEEE P1363 {@code r || s}, 64 bytes.
 * {@link CustodyContentSigner} turns it into what X.509 and CMS expect.
 */
@FunctionalInterface
public interface MessageSigner {

    /** Signs {@code message} (the whole message: the custody hashes it if the algorithm says so). */
    byte[] sign(byte[] message) throws Exception;
}
