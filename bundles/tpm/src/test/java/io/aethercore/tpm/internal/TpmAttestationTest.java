package io.aethercore.tpm.internal;

import static org.junit.jupiter.api.Assertions.*;

import io.aethercore.api.attestation.AttestationException;
import io.aethercore.api.attestation.AttestationKey;
import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.attestation.CredentialChallenge;
import io.aethercore.attestation.verifier.CredentialMaker;
import io.aethercore.api.attestation.EndorsementKey;
import io.aethercore.attestation.verifier.NonceLedger;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.attestation.QuoteExpectation;
import io.aethercore.api.attestation.QuoteVerification;
import io.aethercore.api.attestation.QuoteVerification.Result;
import io.aethercore.attestation.verifier.QuoteVerifier;
import io.aethercore.api.attestation.TpmInfo;
import io.aethercore.attestation.verifier.TpmStructures;
import io.aethercore.testing.swtpm.SwtpmExtension;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The attestation service against a real TPM 2.0 simulator (swtpm), and the verifier's rejections. */
class TpmAttestationTest {

    @RegisterExtension
    static final SwtpmExtension SWTPM = new SwtpmExtension();

    static TpmSession session;
    static TpmAttestation attestation;
    static final NonceLedger LEDGER = new NonceLedger(new SecureRandom(), 1000);

    @BeforeAll
    static void connect() {
        session = TpmSession.simulator(SWTPM.get().host(), SWTPM.get().port());
        attestation = new TpmAttestation(session);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void reportsManufacturerAndFirmware() throws Exception {
        TpmInfo info = attestation.info();
        assertEquals(AttestationKind.TPM, info.kind());
        assertEquals("IBM", info.manufacturer(), "swtpm (libtpms) reports IBM");
        assertTrue(info.firmwareVersion1() != 0, info.toString());
        assertTrue(info.device().contains(Integer.toString(SWTPM.get().port())), info.device());
        assertTrue(info.specRevision() >= TpmHealthCheck.MIN_SPEC_REVISION, "swtpm implements revision " + info.specRevisionDisplay());
    }

    @Test
    void attestationKeyIsARestrictedP256SigningKeyAndStableAcrossConnections() throws Exception {
        AttestationKey ak = attestation.attestationKey();
        TpmStructures.PublicArea area = TpmStructures.parsePublic(ak.tpmPublic());
        assertTrue(area.has(TpmStructures.ATTR_RESTRICTED | TpmStructures.ATTR_SIGN | TpmStructures.ATTR_FIXED_TPM));
        assertEquals(TpmStructures.ECC_NIST_P256, area.curveOrKeyBits());
        assertTrue(ak.publicKey().toPem().startsWith("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"));
        try (TpmSession other = TpmSession.simulator(SWTPM.get().host(), SWTPM.get().port())) {
            // swtpm serves one connection at a time: close ours first
            session.close();
            assertEquals(ak.publicKey(), new TpmAttestation(other).attestationKey().publicKey(), "re-created deterministically");
        }
        connect(); // the other tests go on with a fresh session
    }

    @Test
    void quoteVerifies() throws Exception {
        byte[] nonce = LEDGER.issue();
        Quote q = attestation.quote(nonce, PcrSelection.PLAYBOOK);
        AttestationKey ak = attestation.attestationKey();
        QuoteVerification v = QuoteVerifier.verify(q, ak.publicKey(), LEDGER.expect(nonce, PcrSelection.PLAYBOOK)
                .withPolicy(attestation.readPcrs(PcrSelection.PLAYBOOK)));
        assertTrue(v.ok(), v.message());
        assertEquals(PcrSelection.PLAYBOOK, q.pcrValues().selection());
    }

    @Test
    void fiveRejectionsHaveFiveDistinctReasons() throws Exception {
        PcrSelection sel = PcrSelection.PLAYBOOK;
        AttestationKey ak = attestation.attestationKey();
        byte[] oldNonce = LEDGER.issue();
        Quote old = attestation.quote(oldNonce, sel);
        byte[] nonce = LEDGER.issue();
        Quote q = attestation.quote(nonce, sel);
        QuoteExpectation expect = LEDGER.expect(nonce, sel);

        // a quote over a nonce this verifier never issued (chosen by whoever made the quote)
        Quote foreign = attestation.quote(new byte[] {1, 2, 3}, sel);
        QuoteVerification wrongNonce = QuoteVerifier.verify(foreign, ak.publicKey(), expect);
        assertEquals(Result.NONCE_MISMATCH, wrongNonce.result(), wrongNonce.message());

        byte[] altered = q.pcrValues().value(7);
        altered[0] ^= 1;
        Quote alteredPcr = new Quote(q.kind(), q.attest(), q.signature(), q.pcrValues().with(7, altered));
        QuoteVerification alteredV = QuoteVerifier.verify(alteredPcr, ak.publicKey(), expect);
        assertEquals(Result.PCR_VALUES_MISMATCH, alteredV.result(), alteredV.message());

        SoftwareAttestation otherKey = new SoftwareAttestation();
        QuoteVerification wrongKey = QuoteVerifier.verify(q, otherKey.publicKey(), expect);
        assertEquals(Result.SIGNATURE_INVALID, wrongKey.result(), wrongKey.message());

        QuoteVerification replay = QuoteVerifier.verify(old, ak.publicKey(), expect);
        assertEquals(Result.NONCE_REPLAYED, replay.result(), replay.message());

        Quote otherSel = attestation.quote(nonce, PcrSelection.sha256(0, 1, 2));
        QuoteVerification selV = QuoteVerifier.verify(otherSel, ak.publicKey(), expect);
        assertEquals(Result.PCR_SELECTION_MISMATCH, selV.result(), selV.message());

        Set<Result> reasons = EnumSet.of(wrongNonce.result(), alteredV.result(), wrongKey.result(), replay.result(), selV.result());
        assertEquals(5, reasons.size());
        Set<String> messages = Set.of(wrongNonce.message(), alteredV.message(), wrongKey.message(), replay.message(), selV.message());
        assertEquals(5, messages.size());
    }

    @Test
    void extendedPcrFailsThePolicy() throws Exception {
        PcrSelection sel = PcrSelection.sha256(0, 1, 2, 7, 16);
        PcrValues before = attestation.readPcrs(sel);
        session.call("PCR extend", t -> {
            t.PCR_Event(tss.tpm.TPM_HANDLE.pcr(16), new byte[] {42});
            return null;
        });
        byte[] nonce = LEDGER.issue();
        Quote q = attestation.quote(nonce, sel);
        QuoteVerification v = QuoteVerifier.verify(q, attestation.attestationKey().publicKey(),
                LEDGER.expect(nonce, sel).withPolicy(before));
        assertEquals(Result.PCR_POLICY_MISMATCH, v.result(), v.message());
        assertTrue(v.message().contains("PCR 16"), v.message());
    }

    @Test
    void credentialActivationProvesTheAkIsBesideTheEk() throws Exception {
        EndorsementKey ek = attestation.endorsementKey().orElseThrow();
        assertEquals(TpmStructures.ALG_RSA, TpmStructures.parsePublic(ek.tpmPublic()).type());
        AttestationKey ak = attestation.attestationKey();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        CredentialChallenge c = CredentialMaker.makeForAttestationKey(ek.tpmPublic(), ak.tpmPublic(), secret, new SecureRandom());
        assertArrayEquals(secret, attestation.activateCredential(c));

        // a software attestation key is not fixed to a TPM: a verifier refuses to challenge it at all
        IllegalArgumentException notTpm = assertThrows(IllegalArgumentException.class, () -> CredentialMaker
                .makeForAttestationKey(ek.tpmPublic(), new SoftwareAttestation().attestationKey().tpmPublic(), secret,
                        new SecureRandom()));
        assertTrue(notTpm.getMessage().contains("fixedTPM"), notTpm.getMessage());

        // hostile challenge bytes are refused before the TPM sees them, and the connection stays
        long reconnects = session.reconnects();
        assertThrows(io.aethercore.api.attestation.MalformedTpmDataException.class,
                () -> attestation.activateCredential(new CredentialChallenge(new byte[] {(byte) 0xFF, (byte) 0xFF, 1}, new byte[256])));
        assertThrows(io.aethercore.api.attestation.MalformedTpmDataException.class,
                () -> attestation.activateCredential(new CredentialChallenge(c.credentialBlob(), new byte[0])));
        assertArrayEquals(secret, attestation.activateCredential(c));
        assertEquals(reconnects, session.reconnects());

        // made for another key's name: the TPM refuses
        byte[] otherName = TpmStructures.name(ak.tpmPublic()).clone();
        otherName[5] ^= 1;
        CredentialChallenge wrong = CredentialMaker.make(ek.tpmPublic(), otherName, secret, new SecureRandom());
        AttestationException e = assertThrows(AttestationException.class, () -> attestation.activateCredential(wrong));
        assertTrue(e.getMessage().contains("ActivateCredential"), e.getMessage());
    }

    @Test
    void eccEndorsementKeyActivatesToo() throws Exception {
        EndorsementKey ecc = attestation.endorsementKey(EndorsementKey.Algorithm.ECC_P256).orElseThrow();
        assertEquals(TpmStructures.ALG_ECC, TpmStructures.parsePublic(ecc.tpmPublic()).type());
        AttestationKey ak = attestation.attestationKey();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        CredentialChallenge c = CredentialMaker.makeForAttestationKey(ecc.tpmPublic(), ak.tpmPublic(), secret, new SecureRandom());
        assertEquals(68, c.encryptedSecret().length, "the ephemeral point: two sized 32-byte coordinates");
        assertArrayEquals(secret, attestation.activateCredential(c));

        // made for an EK this TPM does not have
        CredentialChallenge foreign = new CredentialChallenge(c.credentialBlob(), c.encryptedSecret(), new byte[34]);
        AttestationException e = assertThrows(AttestationException.class, () -> attestation.activateCredential(foreign));
        assertTrue(e.getMessage().contains("endorsement key this TPM does not have"), e.getMessage());
    }

    @Test
    void softwareQuotesVerifyButSayTheyAreSoftware() throws Exception {
        SoftwareAttestation sw = new SoftwareAttestation();
        byte[] nonce = LEDGER.issue();
        Quote q = sw.quote(nonce, PcrSelection.PLAYBOOK);
        assertEquals(AttestationKind.SOFTWARE, q.kind());
        assertFalse(sw.kind().hardware());
        assertTrue(QuoteVerifier.verify(q, sw.publicKey(), LEDGER.expect(nonce, PcrSelection.PLAYBOOK)).ok());
        assertFalse(TpmStructures.parsePublic(sw.attestationKey().tpmPublic()).has(TpmStructures.ATTR_FIXED_TPM));
        assertTrue(sw.endorsementKey().isEmpty());
        assertThrows(AttestationException.class, () -> sw.activateCredential(new CredentialChallenge(new byte[2], new byte[0])));
        assertEquals("software (no TPM)", sw.info().device());
        assertTrue(Arrays.equals(new byte[32], sw.readPcrs(PcrSelection.PLAYBOOK).value(0)));
    }
}
