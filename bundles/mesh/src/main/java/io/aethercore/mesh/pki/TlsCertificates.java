package io.aethercore.mesh.pki;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;

/**
 * TLS certificates issued by the federation root: the dashboard's server certificate (serverAuth, with the
 * host names and addresses operators reach it at) and client certificates for mutual TLS (clientAuth, e.g.
 * the genesis bundle fetch of playbook Step 2.3 B). The key is an ordinary P-256 key made outside custody:
 * TLS stacks (JSSE, browsers, curl) must use it directly.
 */
public final class TlsCertificates {

    /** What the certificate is for. */
    public enum Use {
        SERVER(KeyPurposeId.id_kp_serverAuth, "AetherCore Dashboard"),
        CLIENT(KeyPurposeId.id_kp_clientAuth, "AetherCore TLS Client");

        final KeyPurposeId purpose;
        final String ou;

        Use(KeyPurposeId purpose, String ou) {
            this.purpose = purpose;
            this.ou = ou;
        }
    }

    private TlsCertificates() {
    }

    /**
     * Issues a TLS certificate for {@code key}.
     *
     * @param names DNS names and IP addresses (subject alternative names); at least one for a server
     * @throws PkiException if the root is not usable now, or the custody cannot sign
     */
    public static X509Certificate issue(X509Certificate root, MessageSigner rootSigner, Use use, String commonName,
            PublicKey key, List<String> names, Instant notBefore, Duration validity) throws PkiException {
        Objects.requireNonNull(rootSigner, "rootSigner");
        if (!commonName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("the common name '" + commonName
                    + "' must be 1 to 64 characters of A-Z a-z 0-9 . _ -");
        }
        if (use == Use.SERVER && names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one --hostname (DNS name or address)");
        }
        FederationRoot.checkUsable(root, notBefore);
        X509CertificateHolder issuer = Certs.holder(root);
        Instant end = notBefore.plus(validity);
        if (end.isAfter(root.getNotAfter().toInstant())) {
            end = root.getNotAfter().toInstant();
        }
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.getEncoded());
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, Certs.FEDERATION_ORG)
                .addRDN(BCStyle.OU, use.ou).addRDN(BCStyle.CN, commonName).build();
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer.getSubject(), Certs.serial(), Date.from(notBefore),
                Date.from(end), subject, spki);
        try {
            BcX509ExtensionUtils utils = new BcX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(use.purpose));
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(spki));
            b.addExtension(Extension.authorityKeyIdentifier, false, FederationRoot.authorityKeyId(issuer));
            if (!names.isEmpty()) {
                List<GeneralName> sans = new ArrayList<>();
                for (String n : names) {
                    sans.add(generalName(n));
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
        } catch (CertIOException e) {
            throw new PkiException("cannot encode the TLS certificate's extensions: " + e.getMessage(), e);
        }
        return Certs.sign(b, issuer.getSubjectPublicKeyInfo(), rootSigner);
    }

    static GeneralName generalName(String n) {
        if (n.matches("\\d{1,3}(\\.\\d{1,3}){3}") || n.contains(":")) {
            return new GeneralName(GeneralName.iPAddress, n);
        }
        if (!n.matches("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*")) {
            throw new IllegalArgumentException("'" + n + "' is neither a DNS name nor an IP address");
        }
        return new GeneralName(GeneralName.dNSName, n);
    }
}
