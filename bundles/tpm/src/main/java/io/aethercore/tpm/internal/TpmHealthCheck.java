package io.aethercore.tpm.internal;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.AttestationException;
import io.aethercore.api.attestation.AttestationKey;
import io.aethercore.attestation.verifier.NonceLedger;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.attestation.QuoteVerification;
import io.aethercore.attestation.verifier.QuoteVerifier;
import io.aethercore.api.attestation.TpmInfo;
import java.io.PrintStream;
import java.security.SecureRandom;

/**
 * The TPM health check of docs/operations.md ("TPM health check"): detect the TPM, make the
 * attestation key, quote PCRs, verify, print the public key; on failure, the guidance that page gives.
 */
public final class TpmHealthCheck {

    /** How the check ended; each failure has its guidance (docs/operations.md, "TPM health check"). */
    public enum Outcome {
        PASSED(null),
        NOT_DETECTED("Check BIOS settings, enable TPM"),
        QUOTE_FAILED("Update TPM firmware"),
        VERIFICATION_FAILED("TPM is compromised; replace hardware");

        private final String guidance;

        Outcome(String guidance) {
            this.guidance = guidance;
        }

        public String guidance() {
            return guidance;
        }
    }

    /** The prerequisite TPM specification revision, 1.38 (TPM_PT_REVISION; docs/operations.md, "TPM health check"). */
    static final int MIN_SPEC_REVISION = 138;

    private TpmHealthCheck() {}

    /**
     * @param attestation the provider to test, or null when none is registered
     * @param allowSoftware run the flow on a software provider (it still says it is software)
     */
    public static Outcome run(Attestation attestation, PcrSelection selection, boolean allowSoftware, PrintStream out) {
        if (attestation == null) {
            return fail(out, Outcome.NOT_DETECTED, "No attestation provider (feature aethercore-tpm not installed?)");
        }
        TpmInfo info;
        try {
            info = attestation.info();
        } catch (AttestationException e) {
            String m = e.getMessage();
            return fail(out, Outcome.NOT_DETECTED, m.startsWith("TPM 2.0 not detected") ? m : "TPM 2.0 not detected: " + m);
        }
        if (!attestation.kind().hardware()) {
            if (!allowSoftware) {
                return fail(out, Outcome.NOT_DETECTED, "TPM 2.0 not detected: only the software attestation is present"
                        + " (kind software, not hardware)");
            }
            out.println("[WARN] No TPM: testing the SOFTWARE attestation provider; it proves nothing about this platform");
        } else {
            out.println("[INFO] TPM 2.0 detected: Manufacturer=" + info.manufacturerDisplay() + ", Firmware=" + info.firmware()
                    + " (" + info.device() + ")");
            if (info.specRevision() > 0 && info.specRevision() < MIN_SPEC_REVISION) {
                out.println("[WARN] TPM 2.0 specification revision " + info.specRevisionDisplay()
                        + " is below 1.38, the playbook's prerequisite: update TPM firmware");
            }
        }
        out.println("[INFO] Generating AIK...");
        AttestationKey ak;
        try {
            ak = attestation.attestationKey();
        } catch (AttestationException e) {
            return fail(out, e.failure() == AttestationException.Failure.TPM_ERROR ? Outcome.QUOTE_FAILED : Outcome.NOT_DETECTED,
                    "AIK generation failed: " + e.getMessage());
        }
        out.println("[INFO] Creating Quote over PCRs " + java.util.Arrays.toString(selection.pcrs()).replace(" ", "") + "...");
        NonceLedger ledger = new NonceLedger(new SecureRandom(), 4);
        byte[] nonce = ledger.issue();
        Quote quote;
        try {
            quote = attestation.quote(nonce, selection);
        } catch (AttestationException e) {
            return fail(out, Outcome.QUOTE_FAILED, "Quote generation failed: " + e.getMessage());
        }
        out.println("[INFO] Signing Quote with AIK...");
        if (quote.signature() == null || quote.signature().length == 0) {
            return fail(out, Outcome.QUOTE_FAILED, "Quote generation failed: the TPM returned no signature");
        }
        out.println("[INFO] Verifying signature...");
        QuoteVerification v = QuoteVerifier.verify(quote, ak.publicKey(), ledger.expect(nonce, selection));
        if (!v.ok()) {
            return fail(out, Outcome.VERIFICATION_FAILED, "TPM Quote verification failed (" + v.result() + "): " + v.message());
        }
        out.println("[SUCCESS] TPM attestation passed!" + (attestation.kind().hardware() ? "" : " (SOFTWARE provider, not hardware)"));
        out.println("[INFO] Public key (PEM):");
        out.print(ak.publicKey().toPem());
        return Outcome.PASSED;
    }

    private static Outcome fail(PrintStream out, Outcome outcome, String message) {
        out.println("[ERROR] " + message);
        out.println("[ERROR] " + outcome.guidance());
        return outcome;
    }
}
