package io.aethercore.api.attestation;

/**
 * A credential for TPM2_ActivateCredential, made by a verifier with {@link CredentialMaker}.
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

    /** integrityHMAC of the blob. */
    public byte[] integrityHmac() {
        TpmStructures.Reader r = new TpmStructures.Reader(credentialBlob, "TPMS_ID_OBJECT");
        return r.sized("integrityHMAC", 64);
    }

    /** encIdentity of the blob (the rest after integrityHMAC). */
    public byte[] encIdentity() {
        TpmStructures.Reader r = new TpmStructures.Reader(credentialBlob, "TPMS_ID_OBJECT");
        int n = r.sized("integrityHMAC", 64).length;
        int rest = credentialBlob.length - 2 - n;
        if (rest <= 2 || rest > 66) {
            throw new MalformedTpmDataException("TPMS_ID_OBJECT.encIdentity of " + rest + " bytes");
        }
        return r.bytes("encIdentity", rest);
    }
}
