package io.aethercore.backup.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Collection;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedDataParser;
import org.bouncycastle.cms.CMSEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.KeyAgreeRecipientInformation;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.PasswordRecipient;
import org.bouncycastle.cms.PasswordRecipientInformation;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JcePasswordEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JcePasswordRecipientInfoGenerator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The outer format of a backup: a CMS EnvelopedData (RFC 5652), DER/BER, content encrypted with
 * AES-256-CBC, the content-encryption key delivered to
 * <ul>
 *   <li>an operator certificate: KeyTransRecipientInfo (RSA, RSAES-OAEP with SHA-256) or
 *       KeyAgreeRecipientInfo (EC, ephemeral-static ECDH with the X9.63 SHA-256 KDF, AES-256 key wrap);</li>
 *   <li>a passphrase: PasswordRecipientInfo (RFC 3211), PBKDF2 with HMAC-SHA256, a 16-byte random salt and
 *       {@link #PBKDF2_ITERATIONS} iterations, AES-256 key wrap.</li>
 * </ul>
 * {@code openssl cms -decrypt -inform DER -in F -recip cert.pem -inkey key.pem} (or {@code -pwri_password})
 * opens it. AES-CBC is not authenticated: the container's digests and the stores' signed checkpoints are
 * what detect a change (docs/backup.md).
 */
public final class Envelope {

    public static final int PBKDF2_ITERATIONS = 200_000;
    private static final Provider BC = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Envelope() {}

    /** Who can open the backup. */
    public sealed interface Recipient permits CertRecipient, PassphraseRecipient {}

    /** An operator's certificate (RSA or EC P-256/P-384). */
    public record CertRecipient(X509Certificate certificate) implements Recipient {}

    /** A passphrase (kept as chars; the caller clears it). */
    public record PassphraseRecipient(char[] passphrase) implements Recipient {}

    /** Opens an encrypting stream to {@code out}: what is written is encrypted to the recipient. */
    public static OutputStream encrypt(OutputStream out, Recipient r) throws BackupException, IOException {
        CMSEnvelopedDataStreamGenerator g = new CMSEnvelopedDataStreamGenerator();
        try {
            if (r instanceof CertRecipient c) {
                String alg = c.certificate().getPublicKey().getAlgorithm();
                if (alg.equals("RSA")) {
                    javax.crypto.spec.OAEPParameterSpec oaep = new javax.crypto.spec.OAEPParameterSpec("SHA-256", "MGF1",
                            java.security.spec.MGF1ParameterSpec.SHA256, javax.crypto.spec.PSource.PSpecified.DEFAULT);
                    g.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(c.certificate(),
                            new org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter().getAlgorithmIdentifier(
                                    org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_RSAES_OAEP, oaep))
                            .setProvider(BC));
                } else if (alg.equals("EC")) {
                    java.security.KeyPairGenerator kpg = java.security.KeyPairGenerator.getInstance("EC", BC);
                    kpg.initialize(((java.security.interfaces.ECPublicKey) c.certificate().getPublicKey()).getParams(), RANDOM);
                    java.security.KeyPair eph = kpg.generateKeyPair();
                    g.addRecipientInfoGenerator(new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF,
                            eph.getPrivate(), eph.getPublic(), CMSAlgorithm.AES256_WRAP)
                            .addRecipient(c.certificate()).setProvider(BC));
                } else {
                    throw new BackupException(null, "the certificate's key is " + alg + "; RSA or EC is needed");
                }
            } else if (r instanceof PassphraseRecipient p) {
                if (p.passphrase().length < 12) {
                    throw new BackupException(null, "the passphrase is shorter than 12 characters");
                }
                byte[] salt = new byte[16];
                RANDOM.nextBytes(salt);
                g.addRecipientInfoGenerator(new JcePasswordRecipientInfoGenerator(CMSAlgorithm.AES256_CBC, p.passphrase())
                        .setProvider(BC)
                        .setPasswordConversionScheme(PasswordRecipient.PKCS5_SCHEME2_UTF8)
                        .setPRF(PasswordRecipient.PRF.HMacSHA256)
                        .setSaltAndIterationCount(salt, PBKDF2_ITERATIONS));
            }
            // content encryption by the JDK's AES (hardware-accelerated), key generation by the same
            return g.open(out, new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).setSecureRandom(RANDOM).build());
        } catch (CMSException | java.security.GeneralSecurityException e) {
            throw new BackupException(null, "cannot encrypt: " + e.getMessage(), e);
        }
    }

    /** How to open a backup. */
    public sealed interface Key permits PrivateKeyOpener, PassphraseOpener {}

    public record PrivateKeyOpener(X509Certificate certificate, PrivateKey key) implements Key {}

    public record PassphraseOpener(char[] passphrase) implements Key {}

    /**
     * Parses the envelope and returns the decrypted content as a stream. A wrong key or passphrase is
     * refused here (item {@code envelope}); a changed ciphertext surfaces as a padding error at the end
     * of the stream or as a container digest mismatch.
     */
    public static InputStream decrypt(InputStream in, Key key) throws BackupException, IOException {
        CMSEnvelopedDataParser p;
        try {
            p = new CMSEnvelopedDataParser(in);
        } catch (CMSException | IOException | RuntimeException e) {
            throw new BackupException("envelope", "not a CMS EnvelopedData (" + e.getMessage() + ")", e);
        }
        Collection<RecipientInformation> all = p.getRecipientInfos().getRecipients();
        if (all.size() > 16) {
            throw new BackupException("envelope", "more than 16 recipients");
        }
        String why = "no recipient of this backup matches the key given";
        for (RecipientInformation ri : all) {
            org.bouncycastle.cms.Recipient rec = null;
            if (key instanceof PassphraseOpener pp && ri instanceof PasswordRecipientInformation pri) {
                if (!"1.2.840.113549.1.5.12".equals(pri.getKeyDerivationAlgorithm() == null ? null
                        : pri.getKeyDerivationAlgorithm().getAlgorithm().getId())) {
                    why = "the passphrase recipient does not use PBKDF2";
                    continue;
                }
                rec = new JcePasswordEnvelopedRecipient(pp.passphrase())
                        .setPasswordConversionScheme(PasswordRecipient.PKCS5_SCHEME2_UTF8).setProvider(BC);
            } else if (key instanceof PrivateKeyOpener pk && ri instanceof KeyTransRecipientInformation) {
                rec = new JceKeyTransEnvelopedRecipient(pk.key()).setProvider(BC).setContentProvider("SunJCE");
            } else if (key instanceof PrivateKeyOpener pk && ri instanceof KeyAgreeRecipientInformation) {
                rec = new JceKeyAgreeEnvelopedRecipient(pk.key()).setProvider(BC).setContentProvider("SunJCE");
            }
            if (rec == null) {
                continue;
            }
            try {
                return ri.getContentStream(rec).getContentStream();
            } catch (CMSException | IOException | RuntimeException e) {
                why = key instanceof PassphraseOpener ? "wrong passphrase (or a changed recipient info)"
                        : "the private key does not open this backup";
            }
        }
        throw new BackupException("envelope", why);
    }
}
