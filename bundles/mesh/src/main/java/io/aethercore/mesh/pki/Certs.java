package io.aethercore.mesh.pki;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/** Conversions and checks shared by the certificate classes. BouncyCastle is used as an instance, never registered. */
final class Certs {

    /** Our own BouncyCastle instance: nothing is added to the JVM's provider list. */
    static final Provider BC = new BouncyCastleProvider();

    static final String FEDERATION_ORG = "AetherCore Federation";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Certs() {
    }

    static X509CertificateHolder holder(X509Certificate cert) throws PkiException {
        try {
            return new X509CertificateHolder(cert.getEncoded());
        } catch (CertificateEncodingException | IOException | RuntimeException e) {
            throw new PkiException("not a readable X.509 certificate: " + e.getMessage(), e);
        }
    }

    /** The JDK's view of a certificate (its public key is a JDK key: Ed25519 and EC both work on 17). */
    static X509Certificate toJca(X509CertificateHolder holder) throws PkiException {
        try {
            return toJca(holder.getEncoded());
        } catch (IOException e) {
            throw new PkiException("cannot encode the certificate: " + e.getMessage(), e);
        }
    }

    static X509Certificate toJca(byte[] der) throws PkiException {
        try {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            if (!Arrays.equals(c.getEncoded(), der)) {
                throw new PkiException("the certificate has bytes after its end");
            }
            return c;
        } catch (CertificateException | RuntimeException e) {
            throw new PkiException("not a readable X.509 certificate: " + e.getMessage(), e);
        }
    }

    /** The raw key of a SubjectPublicKeyInfo, of an algorithm AetherCore knows. */
    static RawPublicKey rawKey(SubjectPublicKeyInfo spki) throws PkiException {
        try {
            return RawPublicKey.fromSpki(spki.getEncoded(ASN1Encoding.DER));
        } catch (MalformedKeyException | IOException e) {
            throw new PkiException("unsupported public key: " + e.getMessage(), e);
        }
    }

    /** Ed25519 or P-256: the algorithms certificates are signed with here. */
    static KeyAlgorithm signingAlgorithm(RawPublicKey key) throws PkiException {
        if (key.algorithm() != KeyAlgorithm.ED25519 && key.algorithm() != KeyAlgorithm.ECDSA_P256) {
            throw new PkiException("a " + key.algorithm().id() + " key cannot sign certificates; use Ed25519 or ECDSA P-256");
        }
        return key.algorithm();
    }

    static ContentVerifierProvider verifier(SubjectPublicKeyInfo key) throws PkiException {
        try {
            return new JcaContentVerifierProviderBuilder().setProvider(BC)
                    .build(new JcaPEMKeyConverter().setProvider(BC).getPublicKey(key));
        } catch (OperatorCreationException | IOException | RuntimeException e) {
            throw new PkiException("cannot use the public key to verify: " + e.getMessage(), e);
        }
    }

    /** Whether {@code cert}'s signature verifies with {@code key}; false for any failure. */
    static boolean signedBy(X509CertificateHolder cert, SubjectPublicKeyInfo key) {
        try {
            return cert.isSignatureValid(verifier(key));
        } catch (PkiException | CertException | RuntimeException e) {
            return false;
        }
    }

    /** Builds and signs a certificate with the custody; checks the result against the issuer's key. */
    static X509Certificate sign(X509v3CertificateBuilder builder, SubjectPublicKeyInfo issuerKey, MessageSigner signer)
            throws PkiException {
        KeyAlgorithm algorithm = signingAlgorithm(rawKey(issuerKey));
        X509CertificateHolder holder;
        try {
            holder = builder.build(CustodyContentSigner.of(algorithm, signer));
        } catch (RuntimeOperatorException e) {
            throw new PkiException(e.getMessage(), e.getCause() == null ? e : e.getCause());
        }
        if (!signedBy(holder, issuerKey)) {
            throw new PkiException("the signature made by the key custody does not verify with the issuer's public key:"
                    + " the custody signed with another key");
        }
        return toJca(holder);
    }

    /** A random positive serial of exactly 16 bytes in DER (RFC 5280 allows up to 20). */
    static BigInteger serial() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        b[0] = (byte) ((b[0] & 0x7f) | 0x40);
        return new BigInteger(1, b);
    }

    /** The value of the (last) RDN of the given type, or null. */
    static String rdn(X500Name name, org.bouncycastle.asn1.ASN1ObjectIdentifier type) {
        RDN[] rdns = name.getRDNs(type);
        if (rdns.length == 0 || rdns[rdns.length - 1].isMultiValued()) {
            return null;
        }
        return IETFUtils.valueToString(rdns[rdns.length - 1].getFirst().getValue());
    }

    /** A name as operators see it elsewhere ({@code CN=x,O=AetherCore Federation}, RFC 2253 order). */
    static String display(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName();
    }

    static String display(X500Name name) {
        try {
            return new javax.security.auth.x500.X500Principal(name.getEncoded(ASN1Encoding.DER)).getName();
        } catch (IOException | RuntimeException e) {
            return BCStyle.INSTANCE.toString(name);
        }
    }

    /** Checks {@code at} against the certificate's validity; {@code what} names it in the message. */
    static void checkValidity(X509Certificate cert, Instant at, String what) throws PkiException {
        Instant notBefore = cert.getNotBefore().toInstant();
        Instant notAfter = cert.getNotAfter().toInstant();
        if (at.isBefore(notBefore)) {
            throw new PkiException(what + " is not valid before " + notBefore + " (now " + at + "); check the clock");
        }
        if (at.isAfter(notAfter)) {
            throw new PkiException(what + " expired on " + notAfter + " (now " + at + ")");
        }
    }
}
