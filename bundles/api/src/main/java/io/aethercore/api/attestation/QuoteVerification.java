package io.aethercore.api.attestation;

/**
 * The outcome of the attestation-verifier bundle's {@code QuoteVerifier.verify}: one {@link Result} and a sentence for the operator.
 *
 * @param data the parsed quote when it could be parsed, else null
 */
public record QuoteVerification(Result result, String message, AttestData data) {

    /** Why a quote was accepted or rejected. Each rejection has its own value. */
    public enum Result {
        OK,
        /** The bytes are not a TPMS_ATTEST / TPMT_SIGNATURE, or use an algorithm we do not accept. */
        MALFORMED,
        /** The signature does not verify under the attestation key: another key, or altered bytes. */
        SIGNATURE_INVALID,
        /** Signed, but not a TPM-generated quote (magic or type wrong). */
        NOT_A_QUOTE,
        /** The quote carries the nonce of an earlier challenge: a replay of an old quote. */
        NONCE_REPLAYED,
        /** The quote carries a nonce this verifier never sent. */
        NONCE_MISMATCH,
        /** The quote covers other PCRs than the ones asked for. */
        PCR_SELECTION_MISMATCH,
        /** The PCR values sent with the quote are not the ones the TPM signed (altered in transit). */
        PCR_VALUES_MISMATCH,
        /** The signed PCR values differ from the expected platform state (the platform changed). */
        PCR_POLICY_MISMATCH
    }

    public boolean ok() {
        return result == Result.OK;
    }
}
