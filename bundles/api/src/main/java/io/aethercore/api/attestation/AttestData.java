package io.aethercore.api.attestation;

import java.util.List;

/**
 * A parsed TPMS_ATTEST (TPM 2.0 Part 2, 10.12.12): what a TPM signs in TPM2_Quote. The parser lives in
 * the attestation-verifier bundle ({@code TpmStructures.parseAttest}); this is only the value.
 *
 * @param magic TPM_GENERATED_VALUE ({@code 0xFF544347}) for a structure the TPM made itself
 * @param type the structure tag ({@code TPM_ST_ATTEST_QUOTE} = {@code 0x8018} for a quote)
 * @param qualifiedSigner the signing key's qualified name
 * @param extraData the caller's qualifying data: the verifier's nonce
 * @param clock TPMS_CLOCK_INFO.clock
 * @param resetCount TPMS_CLOCK_INFO.resetCount
 * @param restartCount TPMS_CLOCK_INFO.restartCount
 * @param safe TPMS_CLOCK_INFO.safe
 * @param firmwareVersion the TPM's firmware version
 * @param pcrSelections the quoted PCRs (empty unless a quote)
 * @param pcrDigest the digest of the quoted PCR values (empty unless a quote)
 */
public record AttestData(int magic, int type, byte[] qualifiedSigner, byte[] extraData, long clock, int resetCount,
        int restartCount, boolean safe, long firmwareVersion, List<PcrSelection> pcrSelections, byte[] pcrDigest) {
}
