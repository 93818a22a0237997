package io.aethercore.api.attestation;

import java.util.function.Predicate;

/**
 * What a verifier expects of a quote.
 *
 * @param nonce the challenge the verifier sent for this quote
 * @param selection the PCRs it asked for
 * @param policy the PCR values it accepts (a known-good platform state), or null to check the quote
 *     only against the values the node sent with it
 * @param usedBefore recognises nonces of earlier challenges (a {@code NonceLedger} of the attestation-verifier bundle), so that a replayed
 *     old quote is told apart from a wrong nonce; may be null
 */
public record QuoteExpectation(byte[] nonce, PcrSelection selection, PcrValues policy, Predicate<byte[]> usedBefore) {

    public QuoteExpectation {
        if (nonce == null || nonce.length == 0) {
            throw new IllegalArgumentException("a quote expectation needs the nonce sent");
        }
        if (selection == null) {
            throw new IllegalArgumentException("a quote expectation needs the PCR selection asked for");
        }
        if (policy != null && !policy.selection().equals(selection)) {
            throw new IllegalArgumentException("policy covers " + policy.selection() + ", selection is " + selection);
        }
        nonce = nonce.clone();
    }

    public static QuoteExpectation of(byte[] nonce, PcrSelection selection) {
        return new QuoteExpectation(nonce, selection, null, null);
    }

    public QuoteExpectation withPolicy(PcrValues expected) {
        return new QuoteExpectation(nonce, selection, expected, usedBefore);
    }

    public QuoteExpectation withUsedNonces(Predicate<byte[]> used) {
        return new QuoteExpectation(nonce, selection, policy, used);
    }
}
