package io.aethercore.api.attestation;

/**
 * A TPM quote and what a verifier needs beside it.
 *
 * @param kind who made it (a software quote proves nothing about the platform)
 * @param attest the signed TPMS_ATTEST bytes ({@code tpm2_quote -m})
 * @param signature the TPMT_SIGNATURE ({@code tpm2_quote -s})
 * @param pcrValues the PCR values the node read with the quote; their digest must equal the signed one
 */
public record Quote(AttestationKind kind, byte[] attest, byte[] signature, PcrValues pcrValues) {
}
