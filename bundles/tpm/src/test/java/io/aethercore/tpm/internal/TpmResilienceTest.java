package io.aethercore.tpm.internal;

import io.aethercore.attestation.verifier.TpmStructures;
import static org.junit.jupiter.api.Assertions.*;

import io.aethercore.api.attestation.AttestationException;
import io.aethercore.api.attestation.AttestationKey;
import io.aethercore.attestation.verifier.CredentialMaker;
import io.aethercore.api.attestation.EndorsementKey;
import io.aethercore.attestation.verifier.NonceLedger;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.Quote;
import io.aethercore.attestation.verifier.QuoteVerifier;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.testing.swtpm.Swtpm;
import io.aethercore.testing.swtpm.SwtpmExtension;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The TPM goes away and comes back; nothing leaks; leftovers of a crashed connection are flushed. */
class TpmResilienceTest {

    @RegisterExtension
    static final SwtpmExtension SWTPM = new SwtpmExtension();

    @TempDir
    Path dir;

    @Test
    void swtpmKilledDuringQuotesGivesAClearErrorAndTheServiceRecovers() throws Exception {
        Swtpm swtpm = SWTPM.get();
        NonceLedger ledger = new NonceLedger(new SecureRandom(), 10);
        try (TpmSession session = TpmSession.simulator(swtpm.host(), swtpm.port())) {
            TpmAttestation a = new TpmAttestation(session);
            AttestationKey before = a.attestationKey();
            AtomicReference<AttestationException> failure = new AtomicReference<>();
            CountDownLatch quoting = new CountDownLatch(1);
            Thread quoter = new Thread(() -> {
                try {
                    while (true) {
                        a.quote(ledger.issue(), PcrSelection.PLAYBOOK);
                        quoting.countDown();
                    }
                } catch (AttestationException e) {
                    failure.set(e);
                }
            });
            quoter.start();
            quoting.await();
            swtpm.kill();
            quoter.join(30_000);
            assertFalse(quoter.isAlive(), "a quote against a killed TPM must not hang");
            AttestationException e = failure.get();
            assertNotNull(e);
            assertEquals(AttestationException.Failure.UNAVAILABLE, e.failure(), e.getMessage());
            assertTrue(e.isRetryable());
            assertTrue(e.getMessage().startsWith("Quote failed: the TPM went away") || e.getMessage().contains("went away"),
                    e.getMessage());

            // while it is down: a clear "not reachable", not a hang
            AttestationException down = assertThrows(AttestationException.class, () -> a.quote(ledger.issue(), PcrSelection.PLAYBOOK));
            assertEquals(AttestationException.Failure.UNAVAILABLE, down.failure(), down.getMessage());
            assertTrue(down.getMessage().contains("no TPM simulator at 127.0.0.1:" + swtpm.port()), down.getMessage());

            swtpm.launch();
            byte[] nonce = ledger.issue();
            Quote q = a.quote(nonce, PcrSelection.PLAYBOOK);
            AttestationKey after = a.attestationKey();
            assertEquals(before.publicKey(), after.publicKey(), "same attestation key after the TPM came back");
            assertTrue(QuoteVerifier.verify(q, after.publicKey(), ledger.expect(nonce, PcrSelection.PLAYBOOK)).ok());
            assertEquals(1, session.reconnects());
        }
    }

    @Test
    void noHandleLeaksAfterManyOperations() throws Exception {
        int ops = Integer.getInteger("aethercore.tpm.leak.ops", 300);
        Swtpm swtpm = SWTPM.get();
        try (TpmSession session = TpmSession.simulator(swtpm.host(), swtpm.port())) {
            TpmAttestation a = new TpmAttestation(session);
            TpmKeyCustody custody = new TpmKeyCustody("tpm", session, dir.resolve("keys"));
            List<KeyHandle> keys = new ArrayList<>();
            for (int i = 0; i < 3; i++) { // more keys than the cache holds: loads and evictions
                keys.add(custody.generate(KeyAlgorithm.ECDSA_P256, "leak-" + i));
            }
            EndorsementKey ek = a.endorsementKey().orElseThrow();
            byte[] akName = TpmStructures.name(a.attestationKey().tpmPublic());
            byte[] nonce = new byte[16];
            for (int i = 0; i < ops; i++) {
                switch (i % 5) {
                    case 0 -> a.quote(nonce, PcrSelection.PLAYBOOK);
                    case 1 -> custody.sign(keys.get(i % 3), new byte[] {(byte) i});
                    case 2 -> a.readPcrs(PcrSelection.sha256(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
                    case 3 -> a.activateCredential(CredentialMaker.make(ek.tpmPublic(), akName, new byte[] {1}, new SecureRandom()));
                    default -> a.endorsementKey();
                }
            }
            assertEquals(session.heldHandleCount(), session.transientHandleCount(),
                    "after " + ops + " operations the TPM holds exactly the attestation key and the cached key");
            assertEquals(2, session.heldHandleCount());
        }
        // closed: nothing of ours is left in the TPM (tpm2-tools reads TPM_CAP_HANDLES)
        String transients = swtpm.tpm2(dir, "tpm2_getcap", "handles-transient");
        String sessions = swtpm.tpm2(dir, "tpm2_getcap", "handles-loaded-session");
        assertEquals("", transients.trim(), transients);
        assertEquals("", sessions.trim(), sessions);
    }

    @Test
    void leftoversOfACrashedConnectionAreFlushedAtConnect() throws Exception {
        Swtpm swtpm = SWTPM.get();
        TpmSession crashed = TpmSession.simulator(swtpm.host(), swtpm.port());
        TpmKeyCustody custody = new TpmKeyCustody("tpm", crashed, dir.resolve("keys"));
        custody.generate(KeyAlgorithm.ECDSA_P256, "left-behind");
        crashed.abandon(); // AK and key still loaded in the TPM
        String left = swtpm.tpm2(dir, "tpm2_getcap", "handles-transient");
        assertEquals(2, left.lines().filter(l -> l.contains("0x80")).count(), left);
        try (TpmSession next = TpmSession.simulator(swtpm.host(), swtpm.port())) {
            assertEquals(1, next.transientHandleCount(), "only the new session's attestation key");
        }
    }
}
