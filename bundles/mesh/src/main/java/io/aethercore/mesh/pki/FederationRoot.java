package io.aethercore.mesh.pki;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/**
 * The federation root certificate (docs/mesh-pki.md): self-signed, a CA for node certificates, its key in
 * hardware custody. Rotation makes a new root and a cross-certificate (the new root's subject and key,
 * issued by the old root), so that nodes holding the old root can verify the new one.
 */
public final class FederationRoot {

    private FederationRoot() {
    }

    static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName)
                .addRDN(BCStyle.O, "AetherCore Federation").build();
    }

    public static X509Certificate selfSigned(String commonName, RawPublicKey publicKey, MessageSigner signer,
            Instant notBefore, Duration validity) throws PkiException {
        KeyAlgorithm a = check(publicKey);
        X500Name subject = name(commonName);
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(subject, Certificates.serial(),
                Certificates.date(notBefore), Certificates.date(notBefore.plus(validity)), subject,
                Certificates.spki(publicKey));
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false,
                    Certificates.extensionUtils().createSubjectKeyIdentifier(Certificates.spki(publicKey)));
        } catch (CertIOException e) {
            throw new PkiException("cannot build the root certificate: " + e.getMessage(), e);
        }
        return sign(b, a, signer);
    }

    public static X509Certificate crossSigned(X509Certificate newRoot, X509Certificate oldRoot, MessageSigner oldSigner,
            Instant notBefore) throws PkiException {
        KeyAlgorithm oldAlgorithm = Certificates.signingAlgorithm(oldRoot);
        RawPublicKey newKey = Certificates.rawKey(newRoot);
        Instant notAfter = newRoot.getNotAfter().toInstant().isBefore(oldRoot.getNotAfter().toInstant())
                ? newRoot.getNotAfter().toInstant() : oldRoot.getNotAfter().toInstant();
        try {
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(
                    new JcaX509CertificateHolder(oldRoot).getSubject(), Certificates.serial(), Certificates.date(notBefore),
                    Certificates.date(notAfter), new JcaX509CertificateHolder(newRoot).getSubject(),
                    Certificates.spki(newKey));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false,
                    Certificates.extensionUtils().createSubjectKeyIdentifier(Certificates.spki(newKey)));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    Certificates.extensionUtils().createAuthorityKeyIdentifier(oldRoot));
            return sign(b, oldAlgorithm, oldSigner);
        } catch (CertIOException | java.security.cert.CertificateEncodingException e) {
            throw new PkiException("cannot build the cross-certificate: " + e.getMessage(), e);
        }
    }

    /** Checks that a root can be used at {@code at}: a self-signed CA, within its validity. */
    public static void checkUsable(X509Certificate root, Instant at) throws PkiException {
        Certificates.signingAlgorithm(root);
        if (root.getBasicConstraints() < 0) {
            throw new PkiException("the federation root " + root.getSubjectX500Principal().getName() + " is not a CA");
        }
        if (!root.getSubjectX500Principal().equals(root.getIssuerX500Principal())) {
            throw new PkiException("the federation root " + root.getSubjectX500Principal().getName() + " is not self-signed");
        }
        try {
            root.verify(root.getPublicKey());
        } catch (Exception e) {
            throw new PkiException("the federation root's self-signature does not verify");
        }
        if (at.isAfter(root.getNotAfter().toInstant())) {
            throw new PkiException("the federation root " + root.getSubjectX500Principal().getName() + " expired on "
                    + root.getNotAfter().toInstant());
        }
        if (at.isBefore(root.getNotBefore().toInstant())) {
            throw new PkiException("the federation root " + root.getSubjectX500Principal().getName()
                    + " is not valid before " + root.getNotBefore().toInstant());
        }
    }

    static X509Certificate sign(X509v3CertificateBuilder b, KeyAlgorithm algorithm, MessageSigner signer)
            throws PkiException {
        try {
            return Certificates.toJdk(b.build(CustodyContentSigner.of(algorithm, signer)));
        } catch (org.bouncycastle.operator.RuntimeOperatorException e) {
            throw new PkiException(e.getMessage(), e);
        }
    }

    private static KeyAlgorithm check(RawPublicKey key) throws PkiException {
        if (key.algorithm() != KeyAlgorithm.ED25519 && key.algorithm() != KeyAlgorithm.ECDSA_P256) {
            throw new PkiException("a federation root key must be Ed25519 or ECDSA P-256, not " + key.algorithm().id());
        }
        return key.algorithm();
    }
}
