package io.aethercore.mesh.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.KeyAlgorithm;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenesisBundlesTest {

    private static final char[] PASSWORD = "correct horse battery staple".toCharArray();
    private static final Instant NOW = Instant.now();

    static KeyPair edKey;
    static X509Certificate edRoot;
    static GenesisPayload edPayload;
    /** Sealed once (PBKDF2 with 600 000 iterations is slow on purpose): Ed25519 root, password + RSA recipient. */
    static byte[] bundle;
    static KeyPair rsaKey;
    static X509Certificate rsaCert;

    @TempDir
    Path dir;

    @BeforeAll
    static void seal() throws Exception {
        edKey = Fixtures.generate(KeyAlgorithm.ED25519);
        edRoot = FederationRoot.selfSigned("Genesis Root", Fixtures.raw(edKey), Fixtures.signer(edKey), NOW.minusSeconds(60),
                Duration.ofDays(3650));
        edPayload = GenesisPayloadCodecTest.payload(edRoot, true, NOW);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsaKey = g.generateKeyPair();
        rsaCert = operatorCert(rsaKey, "SHA256withRSA");
        bundle = GenesisBundles.seal(edPayload, Fixtures.signer(edKey), KeyAlgorithm.ED25519, PASSWORD, List.of(rsaCert));
    }

    /** An operator's certificate (self-signed, plain JCA) to encrypt bundles to. */
    static X509Certificate operatorCert(KeyPair kp, String sigAlg) throws Exception {
        X500Name name = new X500Name("CN=operator");
        return Certs.toJca(new X509v3CertificateBuilder(name, BigInteger.ONE, Date.from(NOW.minusSeconds(60)),
                Date.from(NOW.plus(Duration.ofDays(1))), name, SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded()))
                .build(new JcaContentSignerBuilder(sigAlg).setProvider(Fixtures.BC).build(kp.getPrivate())));
    }

    @Test
    void opensWithThePasswordAndWithTheRecipientKey() throws Exception {
        assertEquals(edPayload, GenesisBundles.open(bundle, PASSWORD, NOW));
        assertEquals(edPayload, GenesisBundles.open(bundle, rsaKey.getPrivate(), rsaCert, NOW));
        assertEquals(edPayload, GenesisBundles.open(bundle, PASSWORD, NOW, edRoot));
    }

    @Test
    void opensslDecryptsWithThePasswordAndVerifiesTheSignedData() throws Exception {
        Path in = dir.resolve("genesis-bundle.bin");
        Files.write(in, bundle);
        Path rootPem = Fixtures.writePem(dir, "root.pem", edRoot);
        String info = Fixtures.opensslOk(dir, "cms", "-cmsout", "-print", "-inform", "DER", "-in", in.toString());
        assertTrue(info.contains("pkcs7-envelopedData") && info.contains("aes-256-cbc") && info.contains("id-alg-PWRI-KEK"), info);

        Fixtures.opensslOk(dir, "cms", "-decrypt", "-inform", "DER", "-in", in.toString(), "-pwri_password",
                new String(PASSWORD), "-binary", "-out", "signed.der");
        byte[] signed = Files.readAllBytes(dir.resolve("signed.der"));
        assertEquals(edPayload, GenesisBundles.verifySignedData(signed, NOW));

        // OpenSSL 3.0 cannot check an Ed25519 SignerInfo with signed attributes (RFC 8419): it hands SHA-512 to
        // its EdDSA verifier, which refuses any digest (openssl/openssl#11915, #32248, still open in 3.x). The full
        // openssl check of the signature runs for P-256 roots (p256RootAndEcRecipientWorkWithOpensslToo); for
        // Ed25519 openssl checks the certificate chain (-nosigs) and prints the payload, and AetherCore checks
        // the signature. This assertion fails once openssl can verify: then drop -nosigs here and in the docs.
        Fixtures.Run full = Fixtures.openssl(dir, "cms", "-verify", "-inform", "DER", "-in", "signed.der", "-CAfile",
                rootPem.toString(), "-binary", "-purpose", "any", "-out", "ignored.txt");
        assertTrue(full.exit() != 0 && full.out().contains("invalid digest"), full.out());
        Fixtures.opensslOk(dir, "cms", "-verify", "-nosigs", "-inform", "DER", "-in", "signed.der", "-CAfile",
                rootPem.toString(), "-binary", "-purpose", "any", "-out", "payload.txt");
        String payload = Files.readString(dir.resolve("payload.txt"), StandardCharsets.UTF_8);
        assertTrue(payload.startsWith("aethercore-genesis/1\nfederation-name: alpha federation\n"), payload);
        assertArrayEquals(GenesisPayloadCodec.encode(edPayload), payload.getBytes(StandardCharsets.UTF_8));

        // the RSA recipient opens it too
        Path keyPem = dir.resolve("operator.key");
        Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(rsaKey.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Path certPem = Fixtures.writePem(dir, "operator.pem", rsaCert);
        Fixtures.opensslOk(dir, "cms", "-decrypt", "-inform", "DER", "-in", in.toString(), "-recip", certPem.toString(),
                "-inkey", keyPem.toString(), "-binary", "-out", "signed2.der");
        assertArrayEquals(signed, Files.readAllBytes(dir.resolve("signed2.der")));
    }

    @Test
    void p256RootAndEcRecipientWorkWithOpensslToo() throws Exception {
        KeyPair p256 = Fixtures.generate(KeyAlgorithm.ECDSA_P256);
        X509Certificate root = FederationRoot.selfSigned("P256 Root", Fixtures.raw(p256), Fixtures.signer(p256),
                NOW.minusSeconds(60), Duration.ofDays(30));
        KeyPair ecOperator = Fixtures.generate(KeyAlgorithm.ECDSA_P256);
        X509Certificate ecCert = operatorCert(ecOperator, "SHA256withECDSA");
        GenesisPayload p = GenesisPayloadCodecTest.payload(root, false, NOW);
        byte[] sealed = GenesisBundles.seal(p, Fixtures.signer(p256), KeyAlgorithm.ECDSA_P256, null, List.of(ecCert));
        assertEquals(p, GenesisBundles.open(sealed, ecOperator.getPrivate(), ecCert, NOW));
        byte[] withPassword = GenesisBundles.seal(p, Fixtures.signer(p256), KeyAlgorithm.ECDSA_P256, PASSWORD, List.of());
        assertEquals(p, GenesisBundles.open(withPassword, PASSWORD, NOW));
        Files.write(dir.resolve("pw.bin"), withPassword);
        Fixtures.writePem(dir, "root.pem", root);
        Fixtures.opensslOk(dir, "cms", "-decrypt", "-inform", "DER", "-in", "pw.bin", "-pwri_password", new String(PASSWORD),
                "-binary", "-out", "pw.der");
        // -purpose any: the signer is the federation root itself, whose KeyUsage is keyCertSign|cRLSign only (the CA
        // profile). openssl's default S/MIME signing purpose wants digitalSignature or nonRepudiation on the signer
        // and would refuse; the chain to root.pem and the signature are still fully checked.
        String printed = Fixtures.opensslOk(dir, "cms", "-verify", "-inform", "DER", "-in", "pw.der", "-CAfile", "root.pem",
                "-binary", "-purpose", "any");
        assertTrue(printed.startsWith("aethercore-genesis/1\n") && printed.contains("Verification successful"), printed);
        Fixtures.Run strict = Fixtures.openssl(dir, "cms", "-verify", "-inform", "DER", "-in", "pw.der", "-CAfile", "root.pem",
                "-binary", "-out", "x.txt");
        assertTrue(strict.exit() != 0 && strict.out().contains("unsuitable certificate purpose"), strict.out());

        Files.write(dir.resolve("b.bin"), sealed);
        Files.writeString(dir.resolve("ec.key"), "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(ecOperator.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Fixtures.writePem(dir, "ec.pem", ecCert);
        Fixtures.opensslOk(dir, "cms", "-decrypt", "-inform", "DER", "-in", "b.bin", "-recip", "ec.pem", "-inkey", "ec.key",
                "-binary", "-out", "s.der");
        Fixtures.opensslOk(dir, "cms", "-verify", "-inform", "DER", "-in", "s.der", "-CAfile", "root.pem", "-binary",
                "-purpose", "any", "-out", "p.txt");
        assertArrayEquals(GenesisPayloadCodec.encode(p), Files.readAllBytes(dir.resolve("p.txt")));
        PkiException noPassword = assertThrows(PkiException.class, () -> GenesisBundles.open(sealed, PASSWORD, NOW));
        assertTrue(noPassword.getMessage().contains(GenesisBundles.CANNOT_DECRYPT), noPassword.getMessage());
    }

    @Test
    void wrongPasswordAndWrongRecipientAreRefused() throws Exception {
        PkiException e = assertThrows(PkiException.class, () -> GenesisBundles.open(bundle, "wrong password!".toCharArray(), NOW));
        assertEquals(GenesisBundles.CANNOT_DECRYPT, e.getMessage());
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair stranger = g.generateKeyPair();
        PkiException notRecipient = assertThrows(PkiException.class,
                () -> GenesisBundles.open(bundle, stranger.getPrivate(), operatorCert(stranger, "SHA256withRSA"), NOW));
        assertTrue(notRecipient.getMessage().contains(GenesisBundles.CANNOT_DECRYPT), notRecipient.getMessage());
    }

    @Test
    void notCmsIsRefused() {
        PkiException e = assertThrows(PkiException.class, () -> GenesisBundles.open("hello".getBytes(), PASSWORD, NOW));
        assertTrue(e.getMessage().contains("not a genesis bundle"), e.getMessage());
        assertThrows(PkiException.class, () -> GenesisBundles.verifySignedData(new byte[] {0x30, 0x00}, NOW));
    }

    @Test
    void tamperedSignedContentDoesNotVerify() throws Exception {
        byte[] signed = innerSignedData();
        byte[] content = GenesisPayloadCodec.encode(edPayload);
        int at = indexOf(signed, "quorum-size: 3".getBytes(StandardCharsets.UTF_8));
        assertTrue(at > 0);
        signed[at + "quorum-size: ".length()] = '9';
        PkiException e = assertThrows(PkiException.class, () -> GenesisBundles.verifySignedData(signed, NOW));
        assertEquals("genesis bundle signature does not verify", e.getMessage());
        assertTrue(content.length > 0);
    }

    @Test
    void everyFlippedByteOfTheBundleIsRefused() {
        java.util.Random r = new java.util.Random(3);
        int[] positions = {0, 1, 5, 40, bundle.length / 2, bundle.length - 20, bundle.length - 1, r.nextInt(bundle.length)};
        for (int pos : positions) {
            byte[] b = bundle.clone();
            b[pos] ^= 0x01;
            assertThrows(PkiException.class, () -> GenesisBundles.open(b, rsaKey.getPrivate(), rsaCert, NOW), "byte " + pos);
        }
    }

    @Test
    void aBundleSignedByAnotherKeyClaimingTheRootIsRefused() throws Exception {
        KeyPair mallory = Fixtures.generate(KeyAlgorithm.ED25519);
        // 1. Mallory signs with her own self-signed certificate; the payload still carries the real root
        X509Certificate malloryRoot = FederationRoot.selfSigned("Genesis Root", Fixtures.raw(mallory), Fixtures.signer(mallory),
                NOW.minusSeconds(60), Duration.ofDays(1));
        byte[] signed = signedData(GenesisPayloadCodec.encode(edPayload), malloryRoot, mallory);
        PkiException e = assertThrows(PkiException.class, () -> GenesisBundles.verifySignedData(signed, NOW));
        assertEquals("genesis bundle is signed by CN=Genesis Root,O=AetherCore Federation, not by the federation root"
                + " CN=Genesis Root,O=AetherCore Federation it carries", e.getMessage());
        // 2. Mallory names the real root as signer (its certificate in the set) but signs with her key
        byte[] claimed = signedData(GenesisPayloadCodec.encode(edPayload), edRoot, mallory);
        PkiException bad = assertThrows(PkiException.class, () -> GenesisBundles.verifySignedData(claimed, NOW));
        assertEquals("genesis bundle signature does not verify", bad.getMessage());
        // 3. seal itself refuses a custody holding another key
        assertThrows(PkiException.class, () -> GenesisBundles.seal(edPayload, Fixtures.signer(mallory), KeyAlgorithm.ED25519,
                PASSWORD, List.of()));
    }

    @Test
    void pinnedRootMismatchIsRefused() throws Exception {
        KeyPair other = Fixtures.generate(KeyAlgorithm.ED25519);
        X509Certificate otherRoot = FederationRoot.selfSigned("Other", Fixtures.raw(other), Fixtures.signer(other), NOW, Duration.ofDays(1));
        PkiException e = assertThrows(PkiException.class, () -> GenesisBundles.open(bundle, rsaKey.getPrivate(), rsaCert, NOW, otherRoot));
        assertTrue(e.getMessage().contains("is not the pinned root"), e.getMessage());
    }

    @Test
    void expiredRootIsRefusedWhenOpening() {
        Instant later = edRoot.getNotAfter().toInstant().plusSeconds(1);
        PkiException e = assertThrows(PkiException.class, () -> GenesisBundles.open(bundle, rsaKey.getPrivate(), rsaCert, later));
        assertTrue(e.getMessage().contains("expired on " + edRoot.getNotAfter().toInstant()), e.getMessage());
    }

    @Test
    void sealNeedsARecipientAndASupportedRecipientKey() throws Exception {
        assertThrows(PkiException.class, () -> GenesisBundles.seal(edPayload, Fixtures.signer(edKey), KeyAlgorithm.ED25519, null, List.of()));
        KeyPair ed = Fixtures.generate(KeyAlgorithm.ED25519);
        X509Certificate edCert = operatorCert(ed, "Ed25519");
        PkiException e = assertThrows(PkiException.class, () -> GenesisBundles.seal(edPayload, Fixtures.signer(edKey),
                KeyAlgorithm.ED25519, null, List.of(edCert)));
        assertTrue(e.getMessage().contains("RSA or EC"), e.getMessage());
        assertThrows(PkiException.class, () -> GenesisBundles.seal(edPayload, Fixtures.signer(edKey), KeyAlgorithm.ECDSA_P256,
                null, List.of(rsaCert)));
    }

    @Test
    void bundleFilePermissions() throws Exception {
        Path f = dir.resolve("genesis-bundle.bin");
        Files.write(f, bundle);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        PkiException open = assertThrows(PkiException.class, () -> GenesisBundles.readBundleFile(f));
        assertTrue(open.getMessage().contains("chmod 400"), open.getMessage());
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw--w----"));
        assertThrows(PkiException.class, () -> GenesisBundles.readBundleFile(f));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
        assertArrayEquals(bundle, GenesisBundles.readBundleFile(f));

        PkiException missing = assertThrows(PkiException.class, () -> GenesisBundles.readBundleFile(dir.resolve("none.bin")));
        assertTrue(missing.getMessage().contains("no genesis bundle"), missing.getMessage());
        Path big = dir.resolve("big.bin");
        Files.write(big, new byte[GenesisBundles.MAX_BYTES + 1]);
        Files.setPosixFilePermissions(big, PosixFilePermissions.fromString("r--------"));
        PkiException tooBig = assertThrows(PkiException.class, () -> GenesisBundles.readBundleFile(big));
        assertTrue(tooBig.getMessage().contains("more than " + GenesisBundles.MAX_BYTES), tooBig.getMessage());
    }

    @Test
    void pemWriteIsAtomicWithTheGivenMode() throws Exception {
        Path f = dir.resolve("root.pem");
        Pem.write(f, Pem.encode(edRoot), PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Pem.write(f, Pem.encode(edRoot), PosixFilePermissions.fromString("r--------"));
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertArrayEquals(edRoot.getEncoded(), Pem.readCertificate(f).getEncoded());
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "no temporary file left");
        }
        Files.writeString(dir.resolve("two.pem"), Pem.encode(edRoot) + Pem.encode(edRoot));
        PkiException two = assertThrows(PkiException.class, () -> Pem.readCertificate(dir.resolve("two.pem")));
        assertTrue(two.getMessage().contains("2 certificates"), two.getMessage());
        assertEquals(2, Pem.readCertificates(Files.readString(dir.resolve("two.pem"))).size());
        assertThrows(PkiException.class, () -> Pem.readCertificates("-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n"));
        assertThrows(PkiException.class, () -> Pem.readCertificates("nothing here"));
    }

    private static byte[] innerSignedData() throws Exception {
        return GenesisBundlesTestSupport.decrypt(bundle, rsaKey, rsaCert);
    }

    private static byte[] signedData(byte[] content, X509Certificate signerCert, KeyPair key) throws Exception {
        CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
        gen.addSignerInfoGenerator(new SignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder()
                .setProvider(Fixtures.BC).build()).build(CustodyContentSigner.of(KeyAlgorithm.ED25519, Fixtures.signer(key)),
                new org.bouncycastle.cert.X509CertificateHolder(signerCert.getEncoded())));
        gen.addCertificate(new org.bouncycastle.cert.X509CertificateHolder(signerCert.getEncoded()));
        return gen.generate(new CMSProcessableByteArray(content), true).getEncoded();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
