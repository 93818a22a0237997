package io.aethercore.api.attestation;

import io.aethercore.api.crypto.RawPublicKey;

/**
 * The attestation key: a restricted ECC P-256 signing key that signs only structures the TPM itself
 * made (quotes), never outside data that could pass for one.
 *
 * @param kind who holds it
 * @param publicKey the P-256 public key ({@link RawPublicKey#toPem()} gives the PEM that {@code aether:tpm-test} prints)
 * @param tpmPublic its TPMT_PUBLIC: a verifier parses it (the attestation-verifier bundle's {@code TpmStructures.parsePublic}) to check that
 *     the key is restricted, signs, and is fixed to the TPM, and computes its name from it
 */
public record AttestationKey(AttestationKind kind, RawPublicKey publicKey, byte[] tpmPublic) {
}
