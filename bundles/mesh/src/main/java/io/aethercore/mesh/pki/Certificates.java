package io.aethercore.mesh.pki;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/** Shared certificate plumbing of this package: serials, key algorithms, DER to JDK certificates. */
final class Certificates {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {
    }

    /** A positive random 128-bit serial (RFC 5280: at most 20 octets, unpredictable). */
    static BigInteger serial() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        b[0] &= 0x7F;
        b[0] |= 0x40; // always 16 significant bytes
        return new BigInteger(1, b);
    }

    static SubjectPublicKeyInfo spki(RawPublicKey key) {
        return SubjectPublicKeyInfo.getInstance(key.toSpki());
    }

    static RawPublicKey rawKey(X509Certificate cert) throws PkiException {
        try {
            return RawPublicKey.fromSpki(cert.getPublicKey().getEncoded());
        } catch (MalformedKeyException e) {
            throw new PkiException("certificate " + cert.getSubjectX500Principal().getName() + " has an unusable key: "
                    + e.getMessage(), e);
        }
    }

    static KeyAlgorithm signingAlgorithm(X509Certificate cert) throws PkiException {
        KeyAlgorithm a = rawKey(cert).algorithm();
        if (a != KeyAlgorithm.ED25519 && a != KeyAlgorithm.ECDSA_P256) {
            throw new PkiException("a federation key must be Ed25519 or ECDSA P-256, not " + a.id());
        }
        return a;
    }


    static JcaX509ExtensionUtils extensionUtils() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1 for key identifiers", e);
        }
    }

    static X509Certificate toJdk(X509CertificateHolder holder) {
        try {
            return parse(holder.getEncoded());
        } catch (java.io.IOException | PkiException e) {
            throw new IllegalStateException("a certificate just built does not parse", e);
        }
    }

    static X509Certificate parse(byte[] der) throws PkiException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new PkiException("not an X.509 certificate: " + e.getMessage(), e);
        }
    }

    static Date date(Instant i) {
        return Date.from(i);
    }
}
