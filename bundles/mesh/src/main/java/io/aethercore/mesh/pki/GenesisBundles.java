package io.aethercore.mesh.pki;

import io.aethercore.api.crypto.KeyAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.PasswordRecipient;
import org.bouncycastle.cms.PasswordRecipientInformation;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInfoGeneratorBuilder;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientId;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientId;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JcePasswordEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JcePasswordRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The genesis bundle (docs/mesh-pki.md, "Genesis bundle"): the encoded {@link GenesisPayload} in a CMS
 * SignedData by the federation root, DER, inside a CMS EnvelopedData (AES-256-CBC) to a password (RFC 3211,
 * PBKDF2-HMAC-SHA256) and/or recipient certificates (RSA-OAEP-SHA256 key transport, ECDH key agreement).
 * {@code openssl cms -decrypt} and {@code openssl cms -verify} open and check it.
 */
public final class GenesisBundles {

    /** Largest bundle read. */
    public static final int MAX_BYTES = 1024 * 1024;
    /** PBKDF2 iterations when sealing to a password. */
    static final int PBKDF2_ITERATIONS = 600_000;
    /** Most PBKDF2 iterations accepted when opening (a hostile bundle must not keep a node busy for hours). */
    static final int MAX_PBKDF2_ITERATIONS = 10_000_000;

    static final String CANNOT_DECRYPT = "cannot decrypt the genesis bundle: wrong password or not a recipient";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<ASN1ObjectIdentifier> CONTENT_CIPHERS = Set.of(CMSAlgorithm.AES128_CBC, CMSAlgorithm.AES192_CBC,
            CMSAlgorithm.AES256_CBC);

    private GenesisBundles() {
    }

    /**
     * Signs {@code payload} with the federation root (through its custody) and encrypts it to the password
     * (if not null) and to every certificate (RSA or EC public key).
     *
     * @param rootAlgorithm the root key's algorithm, Ed25519 (RFC 8419, SHA-512 digest) or ECDSA P-256 (SHA-256)
     * @throws PkiException if there is no recipient, a recipient's key is neither RSA nor EC, the root is not
     *     usable at the payload's issue time or the custody cannot sign with the root's key
     */
    public static byte[] seal(GenesisPayload payload, MessageSigner rootSigner, KeyAlgorithm rootAlgorithm, char[] password,
            List<X509Certificate> recipientCertificates) throws PkiException {
        List<X509Certificate> recipients = recipientCertificates == null ? List.of() : recipientCertificates;
        if (password == null && recipients.isEmpty()) {
            throw new PkiException("a genesis bundle needs at least one recipient: a password and/or a recipient certificate");
        }
        if (password != null && password.length == 0) {
            throw new PkiException("the genesis bundle password is empty");
        }
        X509Certificate root = payload.federationRoot();
        FederationRoot.checkUsable(root, payload.issuedAt());
        X509CertificateHolder rootHolder = Certs.holder(root);
        KeyAlgorithm actual = Certs.rawKey(rootHolder.getSubjectPublicKeyInfo()).algorithm();
        if (actual != rootAlgorithm) {
            throw new PkiException("the federation root's key is " + actual.id() + ", not " + rootAlgorithm.id());
        }
        byte[] signed = sign(GenesisPayloadCodec.encode(payload), rootHolder, rootSigner, rootAlgorithm);
        try {
            signedOnly(signed, root);
        } catch (PkiException e) {
            throw new PkiException("the key custody did not sign with the federation root's key: " + e.getMessage(), e);
        }
        try {
            CMSEnvelopedDataGenerator gen = new CMSEnvelopedDataGenerator();
            if (password != null) {
                byte[] salt = new byte[16];
                RANDOM.nextBytes(salt);
                gen.addRecipientInfoGenerator(new JcePasswordRecipientInfoGenerator(CMSAlgorithm.AES256_CBC, password)
                        .setProvider(Certs.BC).setPasswordConversionScheme(PasswordRecipient.PKCS5_SCHEME2_UTF8)
                        .setPRF(PasswordRecipient.PRF.HMacSHA256).setSaltAndIterationCount(salt, PBKDF2_ITERATIONS));
            }
            for (X509Certificate c : recipients) {
                String alg = c.getPublicKey().getAlgorithm();
                if (alg.equals("RSA")) {
                    AlgorithmIdentifier oaep = new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(
                            PKCSObjectIdentifiers.id_RSAES_OAEP,
                            new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
                    gen.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(c, oaep).setProvider(Certs.BC));
                } else if (alg.equals("EC")) {
                    KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC", Certs.BC);
                    kpg.initialize(new ECGenParameterSpec("P-256"), RANDOM);
                    KeyPair eph = kpg.generateKeyPair();
                    gen.addRecipientInfoGenerator(new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF,
                            eph.getPrivate(), eph.getPublic(), CMSAlgorithm.AES256_WRAP).addRecipient(c).setProvider(Certs.BC));
                } else {
                    throw new PkiException("recipient " + Certs.display(c) + " has a " + alg
                            + " key; genesis bundles encrypt to RSA or EC (P-256) certificates");
                }
            }
            return gen.generate(new CMSProcessableByteArray(signed),
                    new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).setProvider(Certs.BC).build())
                    .toASN1Structure().getEncoded(ASN1Encoding.DER);
        } catch (PkiException e) {
            throw e;
        } catch (Exception e) {
            throw new PkiException("cannot encrypt the genesis bundle: " + e.getMessage(), e);
        }
    }

    /** Opens a bundle with its password, then checks it as {@link #verifySignedData} does. */
    public static GenesisPayload open(byte[] bundle, char[] password, Instant now) throws PkiException {
        if (password == null || password.length == 0) {
            throw new PkiException(CANNOT_DECRYPT + " (no password given)");
        }
        CMSEnvelopedData env = envelope(bundle);
        for (RecipientInformation ri : env.getRecipientInfos().getRecipients()) {
            if (ri instanceof PasswordRecipientInformation pri) {
                checkIterations(pri);
                byte[] inner = decrypt(ri, new JcePasswordEnvelopedRecipient(password).setProvider(Certs.BC)
                        .setPasswordConversionScheme(PasswordRecipient.PKCS5_SCHEME2_UTF8));
                if (inner != null) {
                    return verifySignedData(inner, now);
                }
            }
        }
        throw new PkiException(CANNOT_DECRYPT);
    }

    /** As {@link #open(byte[], char[], Instant)}, refusing a bundle whose root is not the operator-pinned one. */
    public static GenesisPayload open(byte[] bundle, char[] password, Instant now, X509Certificate expectedRoot)
            throws PkiException {
        return pinned(open(bundle, password, now), expectedRoot);
    }

    /** Opens a bundle as the recipient of {@code recipientCert} (RSA key transport or EC key agreement). */
    public static GenesisPayload open(byte[] bundle, PrivateKey recipientKey, X509Certificate recipientCert, Instant now)
            throws PkiException {
        CMSEnvelopedData env = envelope(bundle);
        RecipientInformation ri;
        Recipient recipient;
        try {
            if (recipientKey.getAlgorithm().equals("RSA")) {
                ri = env.getRecipientInfos().get(new JceKeyTransRecipientId(recipientCert));
                recipient = new JceKeyTransEnvelopedRecipient(recipientKey).setProvider(Certs.BC);
            } else {
                ri = env.getRecipientInfos().get(new JceKeyAgreeRecipientId(recipientCert));
                recipient = new JceKeyAgreeEnvelopedRecipient(recipientKey).setProvider(Certs.BC);
            }
        } catch (RuntimeException e) {
            throw new PkiException(CANNOT_DECRYPT + " (" + e.getMessage() + ")", e);
        }
        byte[] inner = ri == null ? null : decrypt(ri, recipient);
        if (inner == null) {
            throw new PkiException(CANNOT_DECRYPT);
        }
        return verifySignedData(inner, now);
    }

    /** As {@link #open(byte[], PrivateKey, X509Certificate, Instant)}, refusing a root other than {@code expectedRoot}. */
    public static GenesisPayload open(byte[] bundle, PrivateKey recipientKey, X509Certificate recipientCert, Instant now,
            X509Certificate expectedRoot) throws PkiException {
        return pinned(open(bundle, recipientKey, recipientCert, now), expectedRoot);
    }

    /**
     * Checks the decrypted inner part: a DER CMS SignedData with exactly one SignerInfo, whose signature
     * verifies and whose certificate is the federation root the payload carries; the root is usable at
     * {@code now}; the payload decodes.
     */
    public static GenesisPayload verifySignedData(byte[] signedDataDer, Instant now) throws PkiException {
        SignedPart part = signedOnly(signedDataDer, null);
        GenesisPayload payload = GenesisPayloadCodec.decode(part.content);
        X509Certificate root = payload.federationRoot();
        if (!Arrays.equals(part.signer, encoded(root))) {
            throw new PkiException("genesis bundle is signed by " + Certs.display(part.signerName) + ", not by the federation root "
                    + Certs.display(root) + " it carries");
        }
        FederationRoot.checkUsable(root, now);
        return payload;
    }

    /**
     * The bundle's password: the first line of a file only its owner may read (the rule of the bundle's own
     * file); refused when missing, empty, larger than {@value #MAX_BYTES} bytes, or readable by group or others.
     */
    public static char[] readPasswordFile(Path file) throws PkiException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                throw new PkiException("the genesis bundle password file " + file + " is readable by others: chmod 400 it");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new PkiException("the genesis bundle password file " + file + " is too large");
            }
            String first = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).lines().findFirst().orElse("")
                    .strip();
            if (first.isEmpty()) {
                throw new PkiException("the genesis bundle password file " + file + " is empty");
            }
            return first.toCharArray();
        } catch (NoSuchFileException e) {
            throw new PkiException("no genesis bundle password file at " + file);
        } catch (IOException e) {
            throw new PkiException("cannot read " + file + ": " + e, e);
        }
    }

    /**
     * Reads a bundle file, refusing a missing file, one larger than {@value #MAX_BYTES} bytes and, where the file
     * system has POSIX permissions, one that group or others may read or write.
     */
    public static byte[] readBundleFile(Path file) throws PkiException {
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)) {
                throw new PkiException("no genesis bundle at " + file + " (copy it there and chmod 400 it)");
            }
            if (!Files.isRegularFile(file)) {
                throw new PkiException(file + " is not a regular file; the genesis bundle must be one (mode 0400)");
            }
            Set<PosixFilePermission> perms = posix(file);
            if (perms != null) {
                boolean open = perms.stream().anyMatch(p -> p == PosixFilePermission.GROUP_READ || p == PosixFilePermission.GROUP_WRITE
                        || p == PosixFilePermission.OTHERS_READ || p == PosixFilePermission.OTHERS_WRITE);
                if (open) {
                    throw new PkiException("the genesis bundle " + file + " is readable or writable by group or others ("
                            + PosixFilePermissions.toString(perms) + "): chmod 400 " + file);
                }
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new PkiException("the genesis bundle " + file + " is " + size + " bytes, more than " + MAX_BYTES
                        + "; it is not a genesis bundle");
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > MAX_BYTES) {
                throw new PkiException("the genesis bundle " + file + " grew beyond " + MAX_BYTES + " bytes while being read");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new PkiException("no genesis bundle at " + file + " (copy it there and chmod 400 it)");
        } catch (IOException e) {
            throw new PkiException("cannot read the genesis bundle " + file + ": " + e.getMessage(), e);
        }
    }

    private static Set<PosixFilePermission> posix(Path file) throws IOException {
        try {
            return Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return null;
        }
    }

    private static byte[] sign(byte[] content, X509CertificateHolder root, MessageSigner signer, KeyAlgorithm algorithm)
            throws PkiException {
        try {
            CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
            gen.addSignerInfoGenerator(new SignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder()
                    .setProvider(Certs.BC).build()).build(CustodyContentSigner.of(algorithm, signer), root));
            gen.addCertificate(root);
            return gen.generate(new CMSProcessableByteArray(content), true).getEncoded(ASN1Encoding.DER);
        } catch (org.bouncycastle.operator.RuntimeOperatorException e) {
            throw new PkiException(e.getMessage(), e.getCause() == null ? e : e.getCause());
        } catch (Exception e) {
            throw new PkiException("cannot sign the genesis payload: " + e.getMessage(), e);
        }
    }

    /** The signed content, the signer's certificate, its name. */
    private record SignedPart(byte[] content, byte[] signer, org.bouncycastle.asn1.x500.X500Name signerName) {
    }

    /** Parses and verifies the SignedData (one signer, signature good); {@code expected}, if given, must be the signer. */
    private static SignedPart signedOnly(byte[] der, X509Certificate expected) throws PkiException {
        if (der == null || der.length > MAX_BYTES) {
            throw new PkiException("the genesis bundle's signed part is missing or larger than " + MAX_BYTES + " bytes");
        }
        CMSSignedData sd;
        try {
            sd = new CMSSignedData(der);
        } catch (CMSException | RuntimeException e) {
            throw new PkiException("the decrypted genesis bundle is not a CMS SignedData: " + e.getMessage(), e);
        }
        try {
            if (!CMSObjectIdentifiers.data.equals(sd.getSignedContentTypeOID() == null ? null
                    : new ASN1ObjectIdentifier(sd.getSignedContentTypeOID())) || sd.getSignedContent() == null) {
                throw new PkiException("the genesis bundle's SignedData does not carry its content (id-data, encapsulated)");
            }
            Collection<SignerInformation> signers = sd.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                throw new PkiException("the genesis bundle has " + signers.size() + " signatures; expected exactly one, by the federation root");
            }
            SignerInformation si = signers.iterator().next();
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> certs = sd.getCertificates().getMatches(si.getSID());
            if (certs.isEmpty()) {
                throw new PkiException("the genesis bundle does not carry the certificate of its signer");
            }
            X509CertificateHolder signer = certs.iterator().next();
            boolean ok;
            try {
                ok = si.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(Certs.BC).build(signer));
            } catch (Exception e) {
                ok = false;
            }
            if (!ok) {
                throw new PkiException("genesis bundle signature does not verify");
            }
            if (expected != null && !Arrays.equals(signer.getEncoded(), encoded(expected))) {
                throw new PkiException("signed by " + Certs.display(signer.getSubject()) + ", not by " + Certs.display(expected));
            }
            return new SignedPart((byte[]) sd.getSignedContent().getContent(), signer.getEncoded(), signer.getSubject());
        } catch (PkiException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new PkiException("the genesis bundle's SignedData is malformed: " + e.getMessage(), e);
        }
    }

    private static CMSEnvelopedData envelope(byte[] bundle) throws PkiException {
        if (bundle == null || bundle.length == 0 || bundle.length > MAX_BYTES) {
            throw new PkiException("not a genesis bundle: empty or larger than " + MAX_BYTES + " bytes");
        }
        CMSEnvelopedData env;
        try {
            env = new CMSEnvelopedData(bundle);
        } catch (CMSException | RuntimeException e) {
            throw new PkiException("not a genesis bundle (not a DER CMS EnvelopedData): " + e.getMessage(), e);
        }
        if (!CONTENT_CIPHERS.contains(new ASN1ObjectIdentifier(env.getEncryptionAlgOID()))) {
            throw new PkiException("the genesis bundle is encrypted with " + env.getEncryptionAlgOID() + "; only AES-CBC is accepted");
        }
        return env;
    }

    private static void checkIterations(PasswordRecipientInformation pri) throws PkiException {
        try {
            AlgorithmIdentifier kdf = pri.getKeyDerivationAlgorithm();
            if (kdf == null || !PKCSObjectIdentifiers.id_PBKDF2.equals(kdf.getAlgorithm())) {
                throw new PkiException("the genesis bundle's password recipient does not use PBKDF2");
            }
            PBKDF2Params params = PBKDF2Params.getInstance(kdf.getParameters());
            if (params.getIterationCount().signum() <= 0
                    || params.getIterationCount().compareTo(java.math.BigInteger.valueOf(MAX_PBKDF2_ITERATIONS)) > 0) {
                throw new PkiException("the genesis bundle asks for " + params.getIterationCount()
                        + " PBKDF2 iterations; at most " + MAX_PBKDF2_ITERATIONS + " are accepted");
            }
        } catch (RuntimeException e) {
            throw new PkiException("the genesis bundle's password recipient is malformed: " + e.getMessage(), e);
        }
    }

    /** The decrypted content, or null when this recipient cannot decrypt it. */
    private static byte[] decrypt(RecipientInformation ri, Recipient recipient) {
        try {
            return ri.getContent(recipient);
        } catch (CMSException | RuntimeException e) {
            return null;
        }
    }

    private static GenesisPayload pinned(GenesisPayload p, X509Certificate expectedRoot) throws PkiException {
        if (!Arrays.equals(encoded(p.federationRoot()), encoded(expectedRoot))) {
            throw new PkiException("the genesis bundle's federation root " + Certs.display(p.federationRoot())
                    + " (SHA-256 " + fingerprint(p.federationRoot()) + ") is not the pinned root "
                    + Certs.display(expectedRoot) + " (SHA-256 " + fingerprint(expectedRoot) + ")");
        }
        return p;
    }

    private static String fingerprint(X509Certificate c) throws PkiException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(encoded(c)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(X509Certificate c) throws PkiException {
        try {
            return c.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new PkiException("certificate cannot be encoded: " + e.getMessage(), e);
        }
    }
}
