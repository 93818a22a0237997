package io.aethercore.mesh.enrol;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.attestation.QuoteExpectation;
import io.aethercore.api.attestation.QuoteVerification;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.attestation.verifier.NonceLedger;
import io.aethercore.attestation.verifier.QuoteVerifier;
import io.aethercore.mesh.pki.GenesisPayload.PcrPolicy;
import java.util.HexFormat;

/** Checks a quote against the federation's PCR policy; a failure names the PCR that differs. */
final class QuoteCheck {

    private QuoteCheck() {
    }

    /** Null when the quote is good, else the reason, e.g. {@code PCR 7 differs (expected 00…, got 3f…)}. */
    static String failure(AttestationKind kind, byte[] attest, byte[] signature, byte[] pcrValues, RawPublicKey ak,
            byte[] nonce, PcrPolicy policy, NonceLedger ledger) {
        PcrSelection selection = policy.selection();
        PcrValues values;
        try {
            values = PcrValues.fromConcatenated(selection, pcrValues);
        } catch (RuntimeException e) {
            return "PCR values do not fit the selection " + selection + ": " + e.getMessage();
        }
        QuoteExpectation expect = ledger.expect(nonce, selection);
        if (policy.expected() != null) {
            expect = expect.withPolicy(policy.expected());
        }
        QuoteVerification v = QuoteVerifier.verify(new Quote(kind, attest, signature, values), ak, expect);
        if (v.ok()) {
            return null;
        }
        if (v.result() == QuoteVerification.Result.PCR_POLICY_MISMATCH && policy.expected() != null) {
            for (int pcr : selection.pcrs()) {
                byte[] want = policy.expected().value(pcr);
                byte[] got = values.value(pcr);
                if (!java.util.Arrays.equals(want, got)) {
                    return "PCR " + pcr + " differs (expected " + hex(want) + ", got " + hex(got) + ")";
                }
            }
        }
        return switch (v.result()) {
            case NONCE_REPLAYED -> "the quote answers an earlier challenge (replayed quote): " + v.message();
            case NONCE_MISMATCH -> "the quote is not over this challenge's nonce: " + v.message();
            default -> v.result() + ": " + v.message();
        };
    }

    private static String hex(byte[] b) {
        String h = HexFormat.of().formatHex(b);
        return h.length() > 16 ? h.substring(0, 16) + "…" : h;
    }
}
