package io.aethercore.mesh.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.crypto.KeyAlgorithm;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NodeCertificatesTest {

    private static final Instant NOW = Instant.now();
    private static KeyPair rootKey;
    private static X509Certificate root;

    @TempDir
    Path dir;

    @BeforeAll
    static void root() throws Exception {
        rootKey = Fixtures.generate(KeyAlgorithm.ECDSA_P256);
        root = FederationRoot.selfSigned("Node Test Root", Fixtures.raw(rootKey), Fixtures.signer(rootKey),
                NOW.minus(Duration.ofDays(1)), Duration.ofDays(365));
    }

    @ParameterizedTest
    @EnumSource(value = KeyAlgorithm.class, names = {"ED25519", "ECDSA_P256"})
    void issueReadRoundTripAndOpensslVerifies(KeyAlgorithm nodeAlgorithm) throws Exception {
        NodeIdentity id = Fixtures.identity("node-01.eu_west", Fixtures.generate(nodeAlgorithm), true);
        X509Certificate cert = NodeCertificates.issue(root, Fixtures.signer(rootKey), id, NOW.minusSeconds(60), Duration.ofDays(90));

        assertEquals(id, NodeCertificates.read(cert));
        assertEquals("ab".repeat(32), NodeCertificates.read(cert).endorsementKeyDigest(), "stored lower-case");
        assertEquals("CN=node-01.eu_west,OU=node,O=AetherCore Federation", cert.getSubjectX500Principal().getName());
        assertEquals(-1, cert.getBasicConstraints());
        assertTrue(cert.getKeyUsage()[0], "digitalSignature");
        assertTrue(cert.getNonCriticalExtensionOIDs().contains(NodeCertificates.EXTENSION_OID.getId()));
        NodeCertificates.verify(cert, root, NOW);

        Path rootPem = Fixtures.writePem(dir, "root.pem", root);
        Path nodePem = Fixtures.writePem(dir, "node.pem", cert);
        assertTrue(Fixtures.opensslOk(dir, "verify", "-CAfile", rootPem.toString(), nodePem.toString()).contains("node.pem: OK"));
        String text = Fixtures.opensslOk(dir, "x509", "-in", nodePem.toString(), "-text", "-noout");
        assertTrue(text.contains(NodeCertificates.EXTENSION_OID.getId()), text);
        assertTrue(text.contains("CA:FALSE"), text);
        // the extension is plain DER openssl can walk
        String asn1 = Fixtures.opensslOk(dir, "asn1parse", "-in", nodePem.toString(), "-strparse",
                Integer.toString(extensionOffset(dir, nodePem)));
        assertTrue(asn1.contains(":tpm") && asn1.contains("cont [ 2 ]"), asn1);
    }

    /** Offset of the node extension's OCTET STRING, found with openssl asn1parse. */
    private static int extensionOffset(Path dir, Path pem) {
        String[] lines = Fixtures.opensslOk(dir, "asn1parse", "-in", pem.toString()).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(NodeCertificates.EXTENSION_OID.getId())) {
                return Integer.parseInt(lines[i + 1].trim().split(":")[0]);
            }
        }
        throw new AssertionError("extension not found by openssl asn1parse");
    }

    @Test
    void optionalFieldsMayBeAbsent() throws Exception {
        NodeIdentity id = Fixtures.identity("soft", Fixtures.generate(KeyAlgorithm.ED25519), false);
        NodeIdentity back = NodeCertificates.read(NodeCertificates.issue(root, Fixtures.signer(rootKey), id, NOW, Duration.ofDays(1)));
        assertEquals(id, back);
        assertEquals(AttestationKind.SOFTWARE, back.attestation());
        assertNull(back.attestationKey());
        assertNull(back.endorsementKeyDigest());
        assertNull(back.address());
    }

    @Test
    void ipv6AddressRoundTrips() throws Exception {
        NodeIdentity base = Fixtures.identity("v6", Fixtures.generate(KeyAlgorithm.ED25519), false);
        NodeIdentity id = new NodeIdentity(base.nodeId(), base.nodeKey(), base.b4aeX25519(), base.b4aeMlDsa87(),
                base.attestation(), null, null, java.net.InetSocketAddress.createUnresolved("fd00::7", 7443));
        assertEquals(id, NodeCertificates.read(NodeCertificates.issue(root, Fixtures.signer(rootKey), id, NOW, Duration.ofDays(1))));
    }

    @Test
    void validityIsCappedAtTheRootsEnd() throws Exception {
        NodeIdentity id = Fixtures.identity("long", Fixtures.generate(KeyAlgorithm.ED25519), false);
        X509Certificate cert = NodeCertificates.issue(root, Fixtures.signer(rootKey), id, NOW, Duration.ofDays(10_000));
        assertEquals(root.getNotAfter(), cert.getNotAfter());
    }

    @Test
    void verifyRefusesOtherRootsExpiredCertificatesAndCas() throws Exception {
        NodeIdentity id = Fixtures.identity("n", Fixtures.generate(KeyAlgorithm.ED25519), false);
        X509Certificate cert = NodeCertificates.issue(root, Fixtures.signer(rootKey), id, NOW.minusSeconds(60), Duration.ofDays(2));

        KeyPair otherKey = Fixtures.generate(KeyAlgorithm.ECDSA_P256);
        X509Certificate other = FederationRoot.selfSigned("Node Test Root", Fixtures.raw(otherKey), Fixtures.signer(otherKey),
                NOW.minus(Duration.ofDays(1)), Duration.ofDays(365));
        PkiException e = assertThrows(PkiException.class, () -> NodeCertificates.verify(cert, other, NOW));
        assertTrue(e.getMessage().contains("was not issued by the federation root"), e.getMessage());

        PkiException expired = assertThrows(PkiException.class, () -> NodeCertificates.verify(cert, root, NOW.plus(Duration.ofDays(3))));
        assertTrue(expired.getMessage().contains("expired"), expired.getMessage());

        X509Certificate ca = FederationRoot.crossSigned(other, root, Fixtures.signer(rootKey), NOW);
        PkiException isCa = assertThrows(PkiException.class, () -> NodeCertificates.verify(ca, root, NOW));
        assertTrue(isCa.getMessage().contains("CA certificate"), isCa.getMessage());
        assertThrows(PkiException.class, () -> NodeCertificates.read(root), "a root is not a node certificate");
        assertThrows(PkiException.class, () -> NodeCertificates.verify(cert, List.of(), NOW));
    }

    @Test
    void nodeIdRule() {
        KeyPair k = Fixtures.generate(KeyAlgorithm.ED25519);
        for (String bad : new String[] {"", "-lead", ".x", "a b", "a/b", "x".repeat(65), "naïve", "a;b"}) {
            assertThrows(IllegalArgumentException.class, () -> Fixtures.identity(bad, k, false), bad);
        }
        Fixtures.identity("x".repeat(64), k, false);
        Fixtures.identity("A", k, false);
    }

    /** Hostile extension contents: always a PkiException naming the extension, never a RuntimeException. */
    @Test
    void malformedExtensionsArePkiExceptions() throws Exception {
        NodeIdentity id = Fixtures.identity("n", Fixtures.generate(KeyAlgorithm.ED25519), true);
        byte[] good = NodeInfoExtension.encode(id);
        byte[] mlDsaSpki = id.b4aeMlDsa87().toSpki();
        List<byte[]> hostile = new java.util.ArrayList<>(List.of(
                new byte[0],
                new byte[] {0x30},
                new byte[] {0x30, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                new byte[] {0x04, 0x00},
                java.util.Arrays.copyOf(good, good.length - 1),
                java.util.Arrays.copyOf(good, good.length + 1),
                der(new ASN1Integer(2), new DEROctetString(new byte[32]), seq(mlDsaSpki), new DERUTF8String("tpm")),
                der(new ASN1Integer(1), new DEROctetString(new byte[31]), seq(mlDsaSpki), new DERUTF8String("tpm")),
                der(new ASN1Integer(1), new DEROctetString(new byte[32]), seq(id.b4aeX25519().toSpki()), new DERUTF8String("tpm")),
                der(new ASN1Integer(1), new DEROctetString(new byte[32]), seq(mlDsaSpki), new DERUTF8String("quantum")),
                der(new ASN1Integer(1), new DEROctetString(new byte[32]), seq(mlDsaSpki)),
                der(new ASN1Integer(1), new DEROctetString(new byte[32]), seq(mlDsaSpki), new DERUTF8String("tpm"),
                        new org.bouncycastle.asn1.DERTaggedObject(false, 2, new DERUTF8String("no-port"))),
                der(new ASN1Integer(1), new DEROctetString(new byte[32]), seq(mlDsaSpki), new DERUTF8String("tpm"),
                        new org.bouncycastle.asn1.DERTaggedObject(false, 1, new DEROctetString(new byte[5]))),
                der(new ASN1Integer(1), new DEROctetString(new byte[32]), seq(mlDsaSpki), new DERUTF8String("tpm"),
                        new org.bouncycastle.asn1.DERTaggedObject(false, 2, new DERUTF8String("h:1")),
                        new org.bouncycastle.asn1.DERTaggedObject(false, 1, new DEROctetString(new byte[32])))));
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] mutated = good.clone();
            mutated[random.nextInt(Math.min(mutated.length, 80))] ^= (byte) (1 << random.nextInt(8));
            hostile.add(mutated);
        }
        int refused = 0;
        for (byte[] value : hostile) {
            X509Certificate cert = withExtension(id, value);
            try {
                NodeCertificates.read(cert);
            } catch (PkiException e) {
                refused++;
                assertTrue(e.getMessage().contains(NodeCertificates.EXTENSION_OID.getId()) || e.getMessage().contains("not usable"),
                        e.getMessage());
            }
        }
        assertTrue(refused >= 14, "every hand-made hostile value is refused, got " + refused);
    }

    private static org.bouncycastle.asn1.ASN1Sequence seq(byte[] der) throws Exception {
        return org.bouncycastle.asn1.ASN1Sequence.getInstance(der);
    }

    private static byte[] der(ASN1Encodable... items) throws Exception {
        return new DERSequence(items).getEncoded();
    }

    /** A node certificate whose extension carries {@code value}, signed by the test root. */
    private static X509Certificate withExtension(NodeIdentity id, byte[] value) throws Exception {
        X509CertificateHolder issuer = new X509CertificateHolder(root.getEncoded());
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer.getSubject(), java.math.BigInteger.TEN,
                Date.from(NOW.minusSeconds(60)), Date.from(NOW.plusSeconds(3600)), NodeCertificates.subject(id.nodeId()),
                SubjectPublicKeyInfo.getInstance(id.nodeKey().toSpki()));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(new Extension(NodeCertificates.EXTENSION_OID, false, new DEROctetString(value)));
        return Certs.toJca(b.build(CustodyContentSigner.of(KeyAlgorithm.ECDSA_P256, Fixtures.signer(rootKey))));
    }

    @Test
    void extensionIsTheDocumentedDer() throws Exception {
        NodeIdentity id = Fixtures.identity("n", Fixtures.generate(KeyAlgorithm.ED25519), true);
        String hex = HexFormat.of().formatHex(NodeInfoExtension.encode(id));
        // SEQUENCE { INTEGER 1, OCTET STRING (32) ...
        assertTrue(hex.matches("30820[0-9a-f]{3}020101" + "0420" + ".*"), hex.substring(0, 40));
        assertEquals("2.25.16484656481997896513485884106402332622.1", NodeCertificates.EXTENSION_OID.getId());
    }
}
