package io.aethercore.api.attestation;

/**
 * A credential for TPM2_ActivateCredential, made by a verifier with the attestation-verifier bundle's {@code CredentialMaker}.
 *
 * @param credentialBlob TPMS_ID_OBJECT: integrityHMAC (sized) followed by encIdentity
 * @param encryptedSecret the seed encrypted to the endorsement key (TPM2B_ENCRYPTED_SECRET contents): RSA-OAEP
 *     ciphertext for an RSA EK, the ephemeral public point (TPMS_ECC_POINT) for an ECC EK
 * @param endorsementKeyName the name of the EK it was made for, or null for the RSA EK (credentials made
 *     by other tools, e.g. {@code tpm2_makecredential}, do not say)
 */
public record CredentialChallenge(byte[] credentialBlob, byte[] encryptedSecret, byte[] endorsementKeyName) {

    /** A credential for the RSA endorsement key. */
    public CredentialChallenge(byte[] credentialBlob, byte[] encryptedSecret) {
        this(credentialBlob, encryptedSecret, null);
    }

}
