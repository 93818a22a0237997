package io.aethercore.tpm.internal;

import static io.aethercore.attestation.verifier.TpmStructures.*;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import tss.tpm.TPM2B_PUBLIC_KEY_RSA;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMS_ECC_PARMS;
import tss.tpm.TPMS_ECC_POINT;
import tss.tpm.TPMS_NULL_ASYM_SCHEME;
import tss.tpm.TPMS_NULL_KDF_SCHEME;
import tss.tpm.TPMS_RSA_PARMS;
import tss.tpm.TPMS_SIG_SCHEME_ECDSA;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPMT_SYM_DEF_OBJECT;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_ECC_CURVE;

/** The TPM object templates this bundle creates keys from: the attestation key, signing keys and the TCG endorsement keys. */
final class TpmTemplates {

    /** PolicySecret(TPM_RH_ENDORSEMENT): the authPolicy of the TCG default EK templates. */
    static final byte[] EK_POLICY = HexFormat.of().parseHex("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");
    /** Distinguishes our attestation key's template from every other primary key. */
    static final byte[] AK_UNIQUE = "AetherCore attestation key v1".getBytes(StandardCharsets.US_ASCII);

    private TpmTemplates() {}

    static TPMT_PUBLIC akTemplate() {
        return new TPMT_PUBLIC(TPM_ALG_ID.SHA256,
                new TPMA_OBJECT(ATTR_FIXED_TPM | ATTR_FIXED_PARENT | ATTR_SENSITIVE_DATA_ORIGIN | ATTR_USER_WITH_AUTH
                        | ATTR_NO_DA | ATTR_RESTRICTED | ATTR_SIGN),
                new byte[0],
                new TPMS_ECC_PARMS(new TPMT_SYM_DEF_OBJECT(), new TPMS_SIG_SCHEME_ECDSA(TPM_ALG_ID.SHA256),
                        TPM_ECC_CURVE.NIST_P256, new TPMS_NULL_KDF_SCHEME()),
                new TPMS_ECC_POINT(AK_UNIQUE, new byte[0]));
    }

    static TPMT_PUBLIC signingKeyTemplate(byte[] unique) {
        return new TPMT_PUBLIC(TPM_ALG_ID.SHA256,
                new TPMA_OBJECT(ATTR_FIXED_TPM | ATTR_FIXED_PARENT | ATTR_SENSITIVE_DATA_ORIGIN | ATTR_USER_WITH_AUTH
                        | ATTR_NO_DA | ATTR_SIGN),
                new byte[0],
                new TPMS_ECC_PARMS(new TPMT_SYM_DEF_OBJECT(), new TPMS_SIG_SCHEME_ECDSA(TPM_ALG_ID.SHA256),
                        TPM_ECC_CURVE.NIST_P256, new TPMS_NULL_KDF_SCHEME()),
                new TPMS_ECC_POINT(unique, new byte[0]));
    }

    /** TCG EK Credential Profile template L-2: ECC NIST P-256, AES-128-CFB, PolicySecret(endorsement), 32+32 zero bytes unique. */
    static TPMT_PUBLIC eccEkTemplate() {
        return new TPMT_PUBLIC(TPM_ALG_ID.SHA256,
                new TPMA_OBJECT(ATTR_FIXED_TPM | ATTR_FIXED_PARENT | ATTR_SENSITIVE_DATA_ORIGIN | ATTR_ADMIN_WITH_POLICY
                        | ATTR_RESTRICTED | ATTR_DECRYPT),
                EK_POLICY,
                new TPMS_ECC_PARMS(new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, 128, TPM_ALG_ID.CFB), new TPMS_NULL_ASYM_SCHEME(),
                        TPM_ECC_CURVE.NIST_P256, new TPMS_NULL_KDF_SCHEME()),
                new TPMS_ECC_POINT(new byte[32], new byte[32]));
    }

    /** TCG EK Credential Profile template L-1: RSA 2048, AES-128-CFB, PolicySecret(endorsement), 256 zero bytes unique. */
    static TPMT_PUBLIC ekTemplate() {
        return new TPMT_PUBLIC(TPM_ALG_ID.SHA256,
                new TPMA_OBJECT(ATTR_FIXED_TPM | ATTR_FIXED_PARENT | ATTR_SENSITIVE_DATA_ORIGIN | ATTR_ADMIN_WITH_POLICY
                        | ATTR_RESTRICTED | ATTR_DECRYPT),
                EK_POLICY,
                new TPMS_RSA_PARMS(new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, 128, TPM_ALG_ID.CFB), new TPMS_NULL_ASYM_SCHEME(), 2048, 0),
                new TPM2B_PUBLIC_KEY_RSA(new byte[256]));
    }
}
