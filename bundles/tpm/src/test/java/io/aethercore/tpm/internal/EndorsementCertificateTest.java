package io.aethercore.tpm.internal;

import io.aethercore.attestation.verifier.TpmStructures;
import static org.junit.jupiter.api.Assertions.*;

import io.aethercore.api.attestation.AttestationKey;
import io.aethercore.attestation.verifier.CredentialMaker;
import io.aethercore.api.attestation.EndorsementKey;
import io.aethercore.testing.swtpm.Swtpm;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A simulator manufactured like a real TPM (swtpm_setup --create-ek-cert): the endorsement key's
 * certificate is read from NV, certifies the very EK we use, chains to the manufacturer's CA, and
 * credential activation with that EK works.
 */
class EndorsementCertificateTest {

    static Swtpm swtpm;

    @BeforeAll
    static void start() throws Exception {
        swtpm = Swtpm.startManufactured();
    }

    @AfterAll
    static void stop() throws Exception {
        swtpm.close();
    }

    @Test
    void ekCertificateCertifiesOurEkAndActivationWorks() throws Exception {
        try (TpmSession s = TpmSession.simulator(swtpm.host(), swtpm.port())) {
            TpmAttestation a = new TpmAttestation(s);
            EndorsementKey ek = a.endorsementKey().orElseThrow();
            byte[] der = ek.certificate().orElseThrow(() -> new AssertionError("no EK certificate in NV 0x01C00002"));
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            X509Certificate cert = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
            assertEquals(TpmStructures.parsePublic(ek.tpmPublic()).rsa(), cert.getPublicKey(), "the certificate certifies the EK we use");
            X509Certificate ca;
            try (InputStream in = Files.newInputStream(swtpm.localCaCertificate())) {
                ca = (X509Certificate) cf.generateCertificate(in);
            }
            cert.verify(ca.getPublicKey());

            AttestationKey ak = a.attestationKey();
            byte[] secret = new byte[16];
            new SecureRandom().nextBytes(secret);
            assertArrayEquals(secret, a.activateCredential(CredentialMaker.make(ek.tpmPublic(), TpmStructures.name(ak.tpmPublic()), secret, new SecureRandom())));
        }
    }
}
