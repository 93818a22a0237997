package io.aethercore.mesh.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.KeyAlgorithm;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FederationRootTest {

    private static final Instant NOW = Instant.now();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = KeyAlgorithm.class, names = {"ED25519", "ECDSA_P256"})
    void selfSignedRootHasTheProfileAndOpensslReadsIt(KeyAlgorithm algorithm) throws Exception {
        KeyPair kp = Fixtures.generate(algorithm);
        X509Certificate root = FederationRoot.selfSigned("Alpha Root", Fixtures.raw(kp), Fixtures.signer(kp),
                NOW.minusSeconds(60), Duration.ofDays(3650));

        assertEquals("CN=Alpha Root,O=AetherCore Federation", root.getSubjectX500Principal().getName());
        assertEquals(root.getSubjectX500Principal(), root.getIssuerX500Principal());
        assertEquals(3, root.getVersion());
        assertEquals(1, root.getBasicConstraints());
        assertTrue(root.getCriticalExtensionOIDs().containsAll(List.of("2.5.29.19", "2.5.29.15")));
        boolean[] ku = root.getKeyUsage();
        assertTrue(ku[5] && ku[6] && !ku[0], "keyCertSign and cRLSign only");
        assertTrue(root.getExtensionValue("2.5.29.14") != null, "SubjectKeyIdentifier");
        assertTrue(root.getSerialNumber().signum() > 0 && root.getSerialNumber().toByteArray().length == 16);
        assertArrayEquals(Fixtures.raw(kp).toSpki(), root.getPublicKey().getEncoded());
        root.verify(root.getPublicKey());
        FederationRoot.checkUsable(root, NOW);

        Path pem = Fixtures.writePem(dir, "root.pem", root);
        String text = Fixtures.opensslOk(dir, "x509", "-in", pem.toString(), "-text", "-noout");
        assertTrue(text.contains("Subject: O = AetherCore Federation, CN = Alpha Root"), text);
        assertTrue(text.contains("CA:TRUE, pathlen:1"), text);
        assertTrue(text.contains("Certificate Sign, CRL Sign"), text);
        assertTrue(text.contains(algorithm == KeyAlgorithm.ED25519 ? "ED25519" : "prime256v1"), text);
        assertTrue(text.contains(algorithm == KeyAlgorithm.ED25519 ? "Signature Algorithm: ED25519" : "ecdsa-with-SHA256"), text);
        // openssl checks the self-signature too
        assertTrue(Fixtures.opensslOk(dir, "verify", "-CAfile", pem.toString(), pem.toString()).contains("OK"));
    }

    @Test
    void expiredRootIsRefusedWithItsDate() throws Exception {
        KeyPair kp = Fixtures.generate(KeyAlgorithm.ED25519);
        Instant start = NOW.minus(Duration.ofDays(20));
        X509Certificate root = FederationRoot.selfSigned("Old", Fixtures.raw(kp), Fixtures.signer(kp), start, Duration.ofDays(10));
        PkiException e = assertThrows(PkiException.class, () -> FederationRoot.checkUsable(root, NOW));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
        assertTrue(e.getMessage().contains(root.getNotAfter().toInstant().toString()), e.getMessage());
        PkiException early = assertThrows(PkiException.class, () -> FederationRoot.checkUsable(root, start.minusSeconds(5)));
        assertTrue(early.getMessage().contains("not valid before"), early.getMessage());
    }

    @Test
    void aCustodySigningWithAnotherKeyIsCaught() {
        KeyPair kp = Fixtures.generate(KeyAlgorithm.ED25519);
        KeyPair other = Fixtures.generate(KeyAlgorithm.ED25519);
        PkiException e = assertThrows(PkiException.class, () -> FederationRoot.selfSigned("R", Fixtures.raw(kp),
                Fixtures.signer(other), NOW, Duration.ofDays(1)));
        assertTrue(e.getMessage().contains("another key"), e.getMessage());
    }

    @Test
    void aFailingCustodyIsAPkiExceptionWithItsCause() {
        KeyPair kp = Fixtures.generate(KeyAlgorithm.ECDSA_P256);
        IllegalStateException boom = new IllegalStateException("TPM_RC_LOCKOUT");
        PkiException e = assertThrows(PkiException.class, () -> FederationRoot.selfSigned("R", Fixtures.raw(kp),
                m -> { throw boom; }, NOW, Duration.ofDays(1)));
        assertTrue(e.getMessage().contains("TPM_RC_LOCKOUT"), e.getMessage());
        assertEquals(boom, e.getCause());
    }

    @Test
    void contentSignerRefusesOtherAlgorithmsByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CustodyContentSigner.of(KeyAlgorithm.ML_DSA_87, m -> new byte[0]));
        assertTrue(e.getMessage().contains("ML-DSA-87"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CustodyContentSigner.of(KeyAlgorithm.X25519, m -> new byte[0]));
    }

    @Test
    void p1363BecomesDer() {
        byte[] rs = new byte[64];
        rs[31] = 1;
        rs[32] = (byte) 0x80; // s with the high bit set needs a leading zero in DER
        byte[] der = CustodyContentSigner.p1363ToDer(rs);
        assertEquals(0x30, der[0]);
        assertEquals(3 + 2 + 33 + 2, der.length); // SEQUENCE{INTEGER 1, INTEGER 0x0080..}
    }

    @ParameterizedTest
    @EnumSource(value = KeyAlgorithm.class, names = {"ED25519", "ECDSA_P256"})
    void rotationThroughTheCrossCertificateVerifiesWithOpenssl(KeyAlgorithm algorithm) throws Exception {
        KeyPair oldKey = Fixtures.generate(KeyAlgorithm.ED25519);
        KeyPair newKey = Fixtures.generate(algorithm);
        X509Certificate old = FederationRoot.selfSigned("Fed Root", Fixtures.raw(oldKey), Fixtures.signer(oldKey),
                NOW.minus(Duration.ofDays(100)), Duration.ofDays(365));
        X509Certificate fresh = FederationRoot.selfSigned("Fed Root", Fixtures.raw(newKey), Fixtures.signer(newKey),
                NOW.minusSeconds(60), Duration.ofDays(3650));
        X509Certificate cross = FederationRoot.crossSigned(fresh, old, Fixtures.signer(oldKey), NOW.minusSeconds(60));

        assertEquals(fresh.getSubjectX500Principal(), cross.getSubjectX500Principal());
        assertEquals(old.getSubjectX500Principal(), cross.getIssuerX500Principal());
        assertArrayEquals(fresh.getPublicKey().getEncoded(), cross.getPublicKey().getEncoded());
        assertEquals(old.getNotAfter(), cross.getNotAfter(), "ends no later than the old root");
        assertTrue(cross.getBasicConstraints() >= 0);
        cross.verify(old.getPublicKey());

        KeyPair nodeKey = Fixtures.generate(KeyAlgorithm.ED25519);
        X509Certificate node = NodeCertificates.issue(fresh, Fixtures.signer(newKey), Fixtures.identity("n1", nodeKey, false),
                NOW.minusSeconds(60), Duration.ofDays(30));
        Path oldPem = Fixtures.writePem(dir, "old.pem", old);
        Path crossPem = Fixtures.writePem(dir, "cross.pem", cross);
        Path nodePem = Fixtures.writePem(dir, "node.pem", node);
        String out = Fixtures.opensslOk(dir, "verify", "-CAfile", oldPem.toString(), "-untrusted", crossPem.toString(),
                nodePem.toString());
        assertTrue(out.contains("node.pem: OK"), out);
        // without the cross-certificate the old root alone does not vouch for the new one
        Fixtures.Run alone = Fixtures.openssl(dir, "verify", "-CAfile", oldPem.toString(), nodePem.toString());
        assertTrue(alone.exit() != 0, alone.out());

        // in Java: a node trusting both roots during the rotation accepts it; one trusting only the old does not
        NodeCertificates.verify(node, List.of(old, fresh), NOW);
        assertThrows(PkiException.class, () -> NodeCertificates.verify(node, List.of(old), NOW));
    }

    @Test
    void crossSigningAnExpiredOldRootIsRefused() throws Exception {
        KeyPair oldKey = Fixtures.generate(KeyAlgorithm.ED25519);
        KeyPair newKey = Fixtures.generate(KeyAlgorithm.ED25519);
        X509Certificate old = FederationRoot.selfSigned("R", Fixtures.raw(oldKey), Fixtures.signer(oldKey),
                NOW.minus(Duration.ofDays(10)), Duration.ofDays(5));
        X509Certificate fresh = FederationRoot.selfSigned("R", Fixtures.raw(newKey), Fixtures.signer(newKey), NOW, Duration.ofDays(5));
        PkiException e = assertThrows(PkiException.class, () -> FederationRoot.crossSigned(fresh, old, Fixtures.signer(oldKey), NOW));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    @Test
    void aNodeCertificateIsNotAUsableRoot() throws Exception {
        KeyPair rootKey = Fixtures.generate(KeyAlgorithm.ED25519);
        X509Certificate root = FederationRoot.selfSigned("R", Fixtures.raw(rootKey), Fixtures.signer(rootKey),
                NOW.minusSeconds(60), Duration.ofDays(5));
        X509Certificate node = NodeCertificates.issue(root, Fixtures.signer(rootKey),
                Fixtures.identity("n1", Fixtures.generate(KeyAlgorithm.ED25519), false), NOW.minusSeconds(60), Duration.ofDays(1));
        PkiException e = assertThrows(PkiException.class, () -> FederationRoot.checkUsable(node, NOW));
        assertTrue(e.getMessage().contains("not self-signed"), e.getMessage());
    }
}
