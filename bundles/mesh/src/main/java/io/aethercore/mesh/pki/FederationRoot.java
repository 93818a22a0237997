package io.aethercore.mesh.pki;

import io.aethercore.api.crypto.RawPublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;

/**
 * The federation root certificate (see docs/mesh-pki.md): a self-signed CA, Ed25519 or ECDSA P-256, whose
 * key stays in its custody, and the cross-certificate that carries trust from an old root to its successor.
 */
public final class FederationRoot {

    /** Longest common name accepted (the X.520 upper bound). */
    static final int MAX_CN = 64;

    private FederationRoot() {
    }

    /**
     * A self-signed root: subject = issuer = {@code CN=<commonName>, O=AetherCore Federation}, v3,
     * BasicConstraints CA pathLen 1 and KeyUsage keyCertSign|cRLSign (both critical),
     * SubjectKeyIdentifier, a random positive 16-byte serial.
     *
     * @param signer the custody holding the private key of {@code publicKey}
     * @throws PkiException if the custody cannot sign, or signs with another key
     */
    public static X509Certificate selfSigned(String commonName, RawPublicKey publicKey, MessageSigner signer,
            Instant notBefore, Duration validity) throws PkiException {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(notBefore, "notBefore");
        if (commonName == null || commonName.isBlank() || commonName.length() > MAX_CN) {
            throw new IllegalArgumentException("the root's common name must be 1 to " + MAX_CN + " characters");
        }
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("the root's validity must be positive");
        }
        Certs.signingAlgorithm(publicKey);
        X500Name name = name(commonName);
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(publicKey.toSpki());
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(name, Certs.serial(), Date.from(notBefore),
                Date.from(notBefore.plus(validity)), name, spki);
        try {
            caExtensions(b, new BcX509ExtensionUtils().createSubjectKeyIdentifier(spki));
        } catch (CertIOException e) {
            throw new PkiException("cannot encode the root's extensions: " + e.getMessage(), e);
        }
        return Certs.sign(b, spki, signer);
    }

    /**
     * The cross-certificate of a root rotation: {@code newRoot}'s subject and public key, issued by
     * {@code oldRoot} (its AuthorityKeyIdentifier is the old root's key identifier), valid from
     * {@code notBefore} to the earlier of the two roots' ends. A node still trusting only the old root
     * accepts certificates of the new root through it ({@code openssl verify -CAfile old.pem -untrusted cross.pem}).
     *
     * @param oldSigner the custody holding the old root's private key
     */
    public static X509Certificate crossSigned(X509Certificate newRoot, X509Certificate oldRoot, MessageSigner oldSigner,
            Instant notBefore) throws PkiException {
        Objects.requireNonNull(oldSigner, "oldSigner");
        Objects.requireNonNull(notBefore, "notBefore");
        X509CertificateHolder fresh = Certs.holder(newRoot);
        X509CertificateHolder old = Certs.holder(oldRoot);
        if (!Certs.signedBy(fresh, fresh.getSubjectPublicKeyInfo())) {
            throw new PkiException("the new root " + Certs.display(newRoot) + " is not self-signed");
        }
        if (fresh.getSubjectPublicKeyInfo().equals(old.getSubjectPublicKeyInfo())) {
            throw new PkiException("the new root has the same key as the old one; rotation needs a new key");
        }
        Date notAfter = newRoot.getNotAfter().before(oldRoot.getNotAfter()) ? newRoot.getNotAfter() : oldRoot.getNotAfter();
        if (!notAfter.toInstant().isAfter(notBefore)) {
            throw new PkiException("the old root " + Certs.display(oldRoot) + " expired on " + oldRoot.getNotAfter().toInstant()
                    + ": it can no longer vouch for a new root; distribute the new root out of band");
        }
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(old.getSubject(), Certs.serial(), Date.from(notBefore),
                notAfter, fresh.getSubject(), fresh.getSubjectPublicKeyInfo());
        try {
            SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(fresh.getExtensions());
            caExtensions(b, ski != null ? ski
                    : new BcX509ExtensionUtils().createSubjectKeyIdentifier(fresh.getSubjectPublicKeyInfo()));
            b.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId(old));
        } catch (CertIOException e) {
            throw new PkiException("cannot encode the cross-certificate's extensions: " + e.getMessage(), e);
        }
        return Certs.sign(b, old.getSubjectPublicKeyInfo(), oldSigner);
    }

    /**
     * Checks that {@code root} can serve as the federation root at {@code at}: its self-signature verifies,
     * it is a CA allowed to sign certificates, and {@code at} is within its validity.
     */
    public static void checkUsable(X509Certificate root, Instant at) throws PkiException {
        Objects.requireNonNull(at, "at");
        X509CertificateHolder h = Certs.holder(root);
        String who = "the federation root " + Certs.display(root);
        if (!h.getSubject().equals(h.getIssuer()) || !Certs.signedBy(h, h.getSubjectPublicKeyInfo())) {
            throw new PkiException(who + " is not self-signed (its signature does not verify with its own key)");
        }
        Certs.signingAlgorithm(Certs.rawKey(h.getSubjectPublicKeyInfo()));
        if (root.getBasicConstraints() < 0) {
            throw new PkiException(who + " is not a CA certificate (BasicConstraints CA is not true)");
        }
        boolean[] ku = root.getKeyUsage();
        if (ku != null && (ku.length < 6 || !ku[5])) {
            throw new PkiException(who + " may not sign certificates (KeyUsage lacks keyCertSign)");
        }
        Certs.checkValidity(root, at, who);
    }

    /** {@code O=AetherCore Federation, CN=<cn>} in DER order, i.e. {@code CN=<cn>,O=AetherCore Federation} in RFC 2253. */
    static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, Certs.FEDERATION_ORG)
                .addRDN(BCStyle.CN, commonName).build();
    }

    static AuthorityKeyIdentifier authorityKeyId(X509CertificateHolder issuer) {
        SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(issuer.getExtensions());
        return ski != null ? new AuthorityKeyIdentifier(ski.getKeyIdentifier())
                : new BcX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.getSubjectPublicKeyInfo());
    }

    private static void caExtensions(X509v3CertificateBuilder b, SubjectKeyIdentifier ski) throws CertIOException {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ski);
    }
}
