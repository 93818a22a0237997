package io.aethercore.api.attestation;

import java.util.Optional;

/**
 * The TPM's endorsement key (EK): a decryption key whose private part the manufacturer's TPM made and
 * never releases, certified by the manufacturer.
 *
 * @param tpmPublic its TPMT_PUBLIC (TCG EK Credential Profile template: RSA 2048 or ECC P-256)
 * @param certificate the EK certificate (DER) from the TPM's NV storage, when the TPM has one
 */
public record EndorsementKey(byte[] tpmPublic, Optional<byte[]> certificate) {

    /** The TCG default EK templates: L-1 (RSA 2048) and L-2 (ECC NIST P-256). */
    public enum Algorithm {
        RSA_2048,
        ECC_P256
    }
}
