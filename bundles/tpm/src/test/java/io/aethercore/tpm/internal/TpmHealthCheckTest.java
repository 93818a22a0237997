package io.aethercore.tpm.internal;

import static org.junit.jupiter.api.Assertions.*;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.AttestationException;
import io.aethercore.api.attestation.AttestationKey;
import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.attestation.CredentialChallenge;
import io.aethercore.api.attestation.EndorsementKey;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.attestation.TpmInfo;
import java.util.Optional;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.Quote;
import io.aethercore.tpm.internal.TpmHealthCheck.Outcome;
import io.aethercore.testing.swtpm.Swtpm;
import io.aethercore.testing.swtpm.SwtpmExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code aether:tpm-test}'s flow: the lines and failure guidance of docs/operations.md, "TPM health check". */
class TpmHealthCheckTest {

    @RegisterExtension
    static final SwtpmExtension SWTPM = new SwtpmExtension();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        String s = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(s);
        return s;
    }

    @Test
    void passesOnSwtpmWithThePlaybookLines() {
        try (TpmSession s = TpmSession.simulator(SWTPM.get().host(), SWTPM.get().port())) {
            assertEquals(Outcome.PASSED, TpmHealthCheck.run(new TpmAttestation(s), PcrSelection.PLAYBOOK, false, out));
        }
        List<String> lines = printed().lines().toList();
        assertTrue(lines.get(0).startsWith("[INFO] TPM 2.0 detected: Manufacturer=IBM, Firmware="), lines.get(0));
        assertEquals("[INFO] Generating AIK...", lines.get(1));
        assertEquals("[INFO] Creating Quote over PCRs [0,1,2,7]...", lines.get(2));
        assertEquals("[INFO] Signing Quote with AIK...", lines.get(3));
        assertEquals("[INFO] Verifying signature...", lines.get(4));
        assertEquals("[SUCCESS] TPM attestation passed!", lines.get(5));
        assertEquals("[INFO] Public key (PEM):", lines.get(6));
        assertEquals("-----BEGIN PUBLIC KEY-----", lines.get(7));
        assertTrue(lines.get(8).startsWith("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"), lines.get(8));
        assertEquals("-----END PUBLIC KEY-----", lines.get(lines.size() - 1));
    }

    @Test
    void noTpmSaysCheckTheBios() {
        int nothingThere = Swtpm.freePort();
        try (TpmSession s = TpmSession.simulator("127.0.0.1", nothingThere)) {
            assertEquals(Outcome.NOT_DETECTED, TpmHealthCheck.run(new TpmAttestation(s), PcrSelection.PLAYBOOK, false, out));
        }
        String text = printed();
        assertTrue(text.contains("[ERROR] TPM 2.0 not detected: "), text);
        assertTrue(text.contains("no TPM simulator at 127.0.0.1:" + nothingThere), text);
        assertTrue(text.endsWith("[ERROR] Check BIOS settings, enable TPM\n"), text);
    }

    @Test
    void softwareOnlyIsNotATpm() {
        assertEquals(Outcome.NOT_DETECTED, TpmHealthCheck.run(new SoftwareAttestation(), PcrSelection.PLAYBOOK, false, out));
        assertTrue(printed().contains("only the software attestation is present"));
        bytes.reset();
        assertEquals(Outcome.PASSED, TpmHealthCheck.run(new SoftwareAttestation(), PcrSelection.PLAYBOOK, true, out));
        String text = printed();
        assertTrue(text.contains("[WARN] No TPM: testing the SOFTWARE attestation provider"), text);
        assertTrue(text.contains("[SUCCESS] TPM attestation passed! (SOFTWARE provider, not hardware)"), text);
    }

    @Test
    void quoteFailureSaysUpdateTheFirmware() throws Exception {
        try (TpmSession s = TpmSession.simulator(SWTPM.get().host(), SWTPM.get().port())) {
            s.info();
            // the attestation key vanishes from the TPM behind the session's back: the TPM refuses the quote
            s.call("test: flush everything", t -> {
                for (int h : TpmSession.handles(t, TpmSession.HT_TRANSIENT)) {
                    t.FlushContext(tss.tpm.TPM_HANDLE.from(h));
                }
                return null;
            });
            assertEquals(Outcome.QUOTE_FAILED, TpmHealthCheck.run(new TpmAttestation(s), PcrSelection.PLAYBOOK, false, out));
        }
        String text = printed();
        assertTrue(text.contains("[ERROR] Quote generation failed: "), text);
        assertTrue(text.endsWith("[ERROR] Update TPM firmware\n"), text);
    }

    @Test
    void verificationFailureSaysTheTpmIsCompromised() {
        try (TpmSession s = TpmSession.simulator(SWTPM.get().host(), SWTPM.get().port())) {
            // a TPM whose quotes do not verify under its own attestation key (signature bytes altered on the way)
            TpmAttestation real = new TpmAttestation(s);
            Attestation tampering = new Attestation() {
                @Override
                public AttestationKind kind() {
                    return real.kind();
                }

                @Override
                public TpmInfo info() throws AttestationException {
                    return real.info();
                }

                @Override
                public PcrValues readPcrs(PcrSelection sel) throws AttestationException {
                    return real.readPcrs(sel);
                }

                @Override
                public AttestationKey attestationKey() throws AttestationException {
                    return real.attestationKey();
                }

                @Override
                public Optional<EndorsementKey> endorsementKey() throws AttestationException {
                    return real.endorsementKey();
                }

                @Override
                public byte[] activateCredential(CredentialChallenge c) throws AttestationException {
                    return real.activateCredential(c);
                }

                @Override
                public Quote quote(byte[] nonce, PcrSelection selection) throws AttestationException {
                    Quote q = real.quote(nonce, selection);
                    byte[] sig = q.signature();
                    sig[sig.length - 1] ^= 1;
                    return new Quote(q.kind(), q.attest(), sig, q.pcrValues());
                }
            };
            assertEquals(Outcome.VERIFICATION_FAILED, TpmHealthCheck.run(tampering, PcrSelection.PLAYBOOK, false, out));
        }
        String text = printed();
        assertTrue(text.contains("[ERROR] TPM Quote verification failed (SIGNATURE_INVALID)"), text);
        assertTrue(text.endsWith("[ERROR] TPM is compromised; replace hardware\n"), text);
    }
}
