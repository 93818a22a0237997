package io.aethercore.mesh.pki;

import io.aethercore.api.crypto.KeyAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.KeyAgreeRecipientInformation;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.PasswordRecipientInformation;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JcePasswordEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JcePasswordRecipientInfoGenerator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The genesis bundle (docs/mesh-pki.md): CMS SignedData by the federation root over the payload text,
 * inside CMS EnvelopedData (AES-256-CBC) for a password (RFC 3211, PBKDF2) and/or certificate
 * recipients, DER. {@code openssl cms -decrypt -pwri_password} opens it and {@code openssl cms -verify
 * -CAfile federation-root.pem} accepts the inner SignedData.
 */
public final class GenesisBundles {

    /** PBKDF2 iterations for the password recipient: about 0.2 s on a small CPU, once per node start. */
    static final int PBKDF2_ITERATIONS = 200_000;
    static final long MAX_FILE = 1 << 20;
    private static final Provider BC = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();

    private GenesisBundles() {
    }

    public static byte[] seal(GenesisPayload payload, MessageSigner rootSigner, KeyAlgorithm rootAlgorithm, char[] password,
            List<X509Certificate> recipients) throws PkiException {
        if ((password == null || password.length == 0) && (recipients == null || recipients.isEmpty())) {
            throw new PkiException("a genesis bundle needs at least one recipient: a password or a certificate");
        }
        try {
            CMSSignedDataGenerator signed = new CMSSignedDataGenerator();
            X509CertificateHolder root = new JcaX509CertificateHolder(payload.federationRoot());
            signed.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().setProvider(BC).build())
                    .build(CustodyContentSigner.of(rootAlgorithm, rootSigner), root));
            signed.addCertificate(root);
            byte[] inner = signed.generate(new CMSProcessableByteArray(GenesisPayloadCodec.encode(payload)), true).getEncoded();

            CMSEnvelopedDataGenerator env = new CMSEnvelopedDataGenerator();
            if (password != null && password.length > 0) {
                byte[] salt = new byte[16];
                RANDOM.nextBytes(salt);
                env.addRecipientInfoGenerator(new JcePasswordRecipientInfoGenerator(CMSAlgorithm.AES256_CBC, password)
                        .setProvider(BC).setSaltAndIterationCount(salt, PBKDF2_ITERATIONS));
            }
            for (X509Certificate r : recipients == null ? List.<X509Certificate>of() : recipients) {
                if (r.getPublicKey() instanceof RSAPublicKey) {
                    env.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(r).setProvider(BC));
                } else if (r.getPublicKey() instanceof ECPublicKey ec) {
                    java.security.KeyPair kp = ephemeral(ec);
                    env.addRecipientInfoGenerator(new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF,
                            kp.getPrivate(), kp.getPublic(), CMSAlgorithm.AES256_WRAP).addRecipient(r).setProvider(BC));
                } else {
                    throw new PkiException("recipient " + r.getSubjectX500Principal().getName()
                            + " has neither an RSA nor an EC key");
                }
            }
            return env.generate(new CMSProcessableByteArray(inner),
                    new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).setProvider(BC).build()).getEncoded();
        } catch (CMSException | OperatorCreationException | IOException | java.security.GeneralSecurityException e) {
            throw new PkiException("cannot seal the genesis bundle: " + e.getMessage(), e);
        } catch (org.bouncycastle.operator.RuntimeOperatorException e) {
            throw new PkiException("the federation root key could not sign the genesis bundle: " + e.getMessage(), e);
        }
    }

    /** An ephemeral EC key on the recipient's curve, for ECDH key agreement (RFC 5753). */
    private static java.security.KeyPair ephemeral(ECPublicKey recipient) throws java.security.GeneralSecurityException {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC", BC);
        g.initialize(recipient.getParams(), RANDOM);
        return g.generateKeyPair();
    }

    /** Opens a bundle with its password, then checks it as {@link #verifySignedData} does. */
    public static GenesisPayload open(byte[] bundle, char[] password, Instant now) throws PkiException {
        return verifySignedData(decrypt(bundle, r -> r instanceof PasswordRecipientInformation p
                ? p.getContent(new JcePasswordEnvelopedRecipient(password).setProvider(BC)) : null), now);
    }

    /** Opens a bundle with a recipient certificate's private key. */
    public static GenesisPayload open(byte[] bundle, PrivateKey key, X509Certificate cert, Instant now) throws PkiException {
        return verifySignedData(decrypt(bundle, r -> {
            if (r instanceof KeyTransRecipientInformation k && k.getRID().match(new JcaX509CertificateHolder(cert))) {
                return k.getContent(new JceKeyTransEnvelopedRecipient(key).setProvider(BC));
            }
            if (r instanceof KeyAgreeRecipientInformation k && k.getRID().match(new JcaX509CertificateHolder(cert))) {
                return k.getContent(new JceKeyAgreeEnvelopedRecipient(key).setProvider(BC));
            }
            return null;
        }), now);
    }

    /** As {@link #open(byte[], char[], Instant)}, and the root must be the one the operator pinned. */
    public static GenesisPayload open(byte[] bundle, char[] password, Instant now, X509Certificate expectedRoot)
            throws PkiException {
        GenesisPayload p = open(bundle, password, now);
        if (!p.federationRoot().equals(expectedRoot)) {
            throw new PkiException("the genesis bundle carries the federation root "
                    + p.federationRoot().getSubjectX500Principal().getName() + ", not the pinned one");
        }
        return p;
    }

    private interface Opener {
        byte[] open(RecipientInformation r) throws Exception;
    }

    private static byte[] decrypt(byte[] bundle, Opener opener) throws PkiException {
        CMSEnvelopedData env;
        try {
            env = new CMSEnvelopedData(bundle);
        } catch (CMSException | RuntimeException e) {
            throw new PkiException("not a genesis bundle: not a CMS EnvelopedData (" + e.getMessage() + ")");
        }
        for (RecipientInformation r : env.getRecipientInfos().getRecipients()) {
            try {
                byte[] inner = opener.open(r);
                if (inner != null) {
                    return inner;
                }
            } catch (Exception e) {
                // a wrong password shows as a failed key unwrap; try the other recipients
            }
        }
        throw new PkiException("cannot decrypt the genesis bundle: wrong password or not a recipient");
    }

    /** Checks the decrypted SignedData: one signer, the root it carries, a valid signature, a usable root. */
    public static GenesisPayload verifySignedData(byte[] signedData, Instant now) throws PkiException {
        try {
            CMSSignedData sd = new CMSSignedData(signedData);
            if (sd.getSignedContent() == null) {
                throw new PkiException("the genesis bundle's SignedData has no content");
            }
            byte[] content = (byte[]) sd.getSignedContent().getContent();
            GenesisPayload payload = GenesisPayloadCodec.decode(content);
            Collection<SignerInformation> signers = sd.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                throw new PkiException("the genesis bundle has " + signers.size() + " signers; exactly one (the root) expected");
            }
            SignerInformation signer = signers.iterator().next();
            X509Certificate root = payload.federationRoot();
            if (!signer.getSID().match(new JcaX509CertificateHolder(root))) {
                List<String> names = new ArrayList<>();
                for (Object h : sd.getCertificates().getMatches(signer.getSID())) {
                    names.add(((X509CertificateHolder) h).getSubject().toString());
                }
                throw new PkiException("the genesis bundle is signed by " + (names.isEmpty() ? "an unknown key" : names)
                        + ", not by the federation root " + root.getSubjectX500Principal().getName() + " it carries");
            }
            boolean ok;
            try {
                ok = signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(root));
            } catch (CMSException e) {
                ok = false;
            }
            if (!ok) {
                throw new PkiException("the genesis bundle signature does not verify (altered, or not signed by its root)");
            }
            FederationRoot.checkUsable(root, now);
            return payload;
        } catch (PkiException e) {
            throw e;
        } catch (CMSException | OperatorCreationException | CertificateEncodingException | RuntimeException e) {
            throw new PkiException("the genesis bundle's SignedData is malformed: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a bundle file: refused when missing, larger than 1 MiB, or readable or writable by group or
     * others (the playbook installs it with mode 0400).
     */
    public static byte[] readBundleFile(Path file) throws PkiException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            for (PosixFilePermission p : perms) {
                if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
                    throw new PkiException("the genesis bundle " + file + " is accessible to others ("
                            + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "): chmod 400 it");
                }
            }
            if (Files.size(file) > MAX_FILE) {
                throw new PkiException("the genesis bundle " + file + " is larger than 1 MiB");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PkiException("no genesis bundle at " + file);
        } catch (IOException e) {
            throw new PkiException("cannot read the genesis bundle " + file + ": " + e, e);
        }
    }
}
