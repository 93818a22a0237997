package io.aethercore.api.attestation;

/**
 * A credential for TPM2_ActivateCredential, made by a verifier with {@link CredentialMaker}.
 *
 * @param credentialBlob TPMS_ID_OBJECT: integrityHMAC (sized) followed by encIdentity
 * @param encryptedSecret the seed encrypted to the endorsement key (TPM2B_ENCRYPTED_SECRET contents)
 */
public record CredentialChallenge(byte[] credentialBlob, byte[] encryptedSecret) {

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
