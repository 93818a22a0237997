package io.aethercore.attestation.verifier;

import io.aethercore.api.attestation.AttestData;
import io.aethercore.api.attestation.QuoteVerification;
import io.aethercore.api.attestation.QuoteExpectation;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.attestation.MalformedTpmDataException;
import io.aethercore.api.attestation.QuoteVerification.Result;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;

/**
 * Verifies TPM 2.0 quotes signed with an ECDSA P-256 attestation key. A pure function of its inputs
 * (JDK crypto only), usable off the node: by a Federation Authority at enrollment, by a peer, or by an
 * auditor with files from {@code tpm2_quote}.
 *
 * <p>Checks, in this order, each failure with its own {@link Result}: the structures parse; the
 * signature verifies under the attestation key; the message is a TPM-generated quote; the nonce is the
 * one sent (and, if not, whether it is an earlier one: a replay); the PCR selection is the one asked
 * for; the digest of the PCR values sent equals the signed digest; those values equal the policy.
 */
public final class QuoteVerifier {

    private QuoteVerifier() {}

    public static QuoteVerification verify(Quote quote, RawPublicKey attestationKey, QuoteExpectation expected) {
        return verify(quote.attest(), quote.signature(), quote.pcrValues(), attestationKey, expected);
    }

    /**
     * @param attest TPMS_ATTEST bytes
     * @param signature TPMT_SIGNATURE bytes (ECDSA)
     * @param pcrValues the PCR values claimed for the quote
     */
    public static QuoteVerification verify(byte[] attest, byte[] signature, PcrValues pcrValues, RawPublicKey attestationKey,
            QuoteExpectation expected) {
        if (attestationKey.algorithm() != KeyAlgorithm.ECDSA_P256) {
            return new QuoteVerification(Result.MALFORMED, "attestation key must be ECDSA P-256, got "
                    + attestationKey.algorithm().id(), null);
        }
        AttestData data;
        TpmStructures.EcdsaSignature sig;
        try {
            data = TpmStructures.parseAttest(attest);
            sig = TpmStructures.parseEcdsaSignature(signature);
        } catch (MalformedTpmDataException e) {
            return new QuoteVerification(Result.MALFORMED, "not a TPM quote: " + e.getMessage(), null);
        }
        if (sig.hashAlg() != TpmStructures.ALG_SHA256) {
            return new QuoteVerification(Result.MALFORMED,
                    String.format("quote signed with hash 0x%04x; only SHA-256 is accepted", sig.hashAlg()), data);
        }
        try {
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(attestationKey.toSpki()));
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(key);
            verifier.update(attest);
            if (!verifier.verify(sig.p1363())) {
                return new QuoteVerification(Result.SIGNATURE_INVALID, "quote signature does not verify under attestation key "
                        + attestationKey.fingerprint().substring(0, 16)
                        + ": signed by another key, or the quote was altered", data);
            }
        } catch (GeneralSecurityException | MalformedTpmDataException e) {
            return new QuoteVerification(Result.SIGNATURE_INVALID, "quote signature does not verify under attestation key "
                    + attestationKey.fingerprint().substring(0, 16) + ": " + e.getMessage(), data);
        }
        if (data.magic() != TpmStructures.TPM_GENERATED || data.type() != TpmStructures.ST_ATTEST_QUOTE) {
            return new QuoteVerification(Result.NOT_A_QUOTE, String.format(
                    "signed data is not a TPM-generated quote (magic 0x%08x, type 0x%04x)", data.magic(), data.type()), data);
        }
        if (!MessageDigest.isEqual(data.extraData(), expected.nonce())) {
            if (expected.usedBefore() != null && expected.usedBefore().test(data.extraData())) {
                return new QuoteVerification(Result.NONCE_REPLAYED, "quote answers an earlier challenge (nonce "
                        + hex(data.extraData()) + "), not this one: an old quote replayed", data);
            }
            return new QuoteVerification(Result.NONCE_MISMATCH, "quote nonce " + hex(data.extraData())
                    + " is not the nonce sent (" + hex(expected.nonce()) + ")", data);
        }
        if (!data.pcrSelections().equals(List.of(expected.selection()))) {
            return new QuoteVerification(Result.PCR_SELECTION_MISMATCH, "quote covers PCRs " + data.pcrSelections()
                    + ", expected " + expected.selection(), data);
        }
        if (pcrValues == null || !pcrValues.selection().equals(expected.selection())) {
            return new QuoteVerification(Result.PCR_VALUES_MISMATCH, "PCR values sent with the quote cover "
                    + (pcrValues == null ? "nothing" : pcrValues.selection()) + ", the quote " + expected.selection(), data);
        }
        byte[] digest = pcrValues.digest("SHA-256");
        if (!MessageDigest.isEqual(digest, data.pcrDigest())) {
            return new QuoteVerification(Result.PCR_VALUES_MISMATCH, "PCR values sent with the quote do not match the digest"
                    + " the TPM signed (" + hex(data.pcrDigest()) + "): a PCR value was altered", data);
        }
        if (expected.policy() != null && !expected.policy().equals(pcrValues)) {
            StringBuilder which = new StringBuilder();
            for (int pcr : expected.selection().pcrs()) {
                if (!MessageDigest.isEqual(expected.policy().value(pcr), pcrValues.value(pcr))) {
                    which.append(which.length() == 0 ? "" : ", ").append(pcr);
                }
            }
            return new QuoteVerification(Result.PCR_POLICY_MISMATCH, "platform state differs from the expected policy in PCR "
                    + which + " (" + expected.selection().bank().id() + ")", data);
        }
        return new QuoteVerification(Result.OK, "quote verified: signature, nonce, PCR selection " + expected.selection()
                + ", PCR digest" + (expected.policy() != null ? ", PCR policy" : ""), data);
    }

    private static String hex(byte[] b) {
        String h = HexFormat.of().formatHex(b);
        return h.length() > 16 ? h.substring(0, 16) + "..." : h;
    }
}
