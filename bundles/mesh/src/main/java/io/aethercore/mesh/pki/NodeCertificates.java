package io.aethercore.mesh.pki;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/**
 * Node certificates (docs/mesh-pki.md): subject {@code CN=<NodeID>, OU=node, O=AetherCore Federation},
 * the node key as subject key, and one private extension binding the node's B4AE identity and
 * attestation:
 * <pre>
 * AetherCoreNode ::= SEQUENCE {
 *   version              INTEGER (1),
 *   b4aeX25519           OCTET STRING (32 bytes, raw),
 *   b4aeMlDsa87          OCTET STRING (SubjectPublicKeyInfo DER),
 *   attestation          UTF8String ("tpm" | "software"),
 *   attestationKey       [0] EXPLICIT OCTET STRING (SubjectPublicKeyInfo DER) OPTIONAL,
 *   endorsementKeyDigest [1] EXPLICIT UTF8String (64 hex) OPTIONAL,
 *   address              [2] EXPLICIT UTF8String ("host:port") OPTIONAL }
 * </pre>
 * under OID {@value #EXTENSION_OID} (a UUID OID, X.667), non-critical so that {@code openssl verify}
 * accepts the certificate.
 */
public final class NodeCertificates {

    public static final String EXTENSION_OID = "2.25.284022745033587482555718163275554290529";
    static final ASN1ObjectIdentifier OID = new ASN1ObjectIdentifier(EXTENSION_OID);

    private NodeCertificates() {
    }

    public static X509Certificate issue(X509Certificate root, MessageSigner rootSigner, NodeIdentity id, Instant notBefore,
            Duration validity) throws PkiException {
        KeyAlgorithm rootAlgorithm = Certificates.signingAlgorithm(root);
        Instant notAfter = notBefore.plus(validity);
        if (notAfter.isAfter(root.getNotAfter().toInstant())) {
            notAfter = root.getNotAfter().toInstant(); // never outlive the root
        }
        try {
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(new JcaX509CertificateHolder(root).getSubject(),
                    Certificates.serial(), Certificates.date(notBefore), Certificates.date(notAfter),
                    new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, id.nodeId()).addRDN(BCStyle.OU, "node")
                            .addRDN(BCStyle.O, "AetherCore Federation").build(),
                    Certificates.spki(id.nodeKey()));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false,
                    Certificates.extensionUtils().createSubjectKeyIdentifier(Certificates.spki(id.nodeKey())));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    Certificates.extensionUtils().createAuthorityKeyIdentifier(root));
            b.addExtension(OID, false, extension(id));
            return FederationRoot.sign(b, rootAlgorithm, rootSigner);
        } catch (CertIOException | java.security.cert.CertificateEncodingException e) {
            throw new PkiException("cannot build the node certificate: " + e.getMessage(), e);
        }
    }

    private static ASN1Encodable extension(NodeIdentity id) {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(1));
        v.add(new DEROctetString(id.b4aeX25519().encoded()));
        v.add(new DEROctetString(id.b4aeMlDsa87().toSpki()));
        v.add(new DERUTF8String(id.attestation().id()));
        if (id.attestationKey() != null) {
            v.add(new DERTaggedObject(true, 0, new DEROctetString(id.attestationKey().toSpki())));
        }
        if (id.endorsementKeyDigest() != null) {
            v.add(new DERTaggedObject(true, 1, new DERUTF8String(id.endorsementKeyDigest())));
        }
        if (id.address() != null) {
            v.add(new DERTaggedObject(true, 2, new DERUTF8String(id.address().getHostString() + ":" + id.address().getPort())));
        }
        return new DERSequence(v);
    }

    /** What a node certificate says; any malformed part is a {@link PkiException}, never a runtime failure. */
    public static NodeIdentity read(X509Certificate cert) throws PkiException {
        String subject = cert.getSubjectX500Principal().getName();
        byte[] ext = cert.getExtensionValue(EXTENSION_OID);
        if (ext == null) {
            throw new PkiException("certificate " + subject + " is not an AetherCore node certificate (no node extension)");
        }
        try {
            ASN1Sequence s = ASN1Sequence.getInstance(ASN1OctetString.getInstance(ext).getOctets());
            if (s.size() < 4 || ASN1Integer.getInstance(s.getObjectAt(0)).intValueExact() != 1) {
                throw new PkiException("node extension of " + subject + ": unknown version or too short");
            }
            RawPublicKey x25519 = RawPublicKey.of(KeyAlgorithm.X25519, ASN1OctetString.getInstance(s.getObjectAt(1)).getOctets());
            RawPublicKey mlDsa = RawPublicKey.fromSpki(ASN1OctetString.getInstance(s.getObjectAt(2)).getOctets());
            String kind = ASN1UTF8String.getInstance(s.getObjectAt(3)).getString();
            AttestationKind attestation = switch (kind) {
                case "tpm" -> AttestationKind.TPM;
                case "software" -> AttestationKind.SOFTWARE;
                default -> throw new PkiException("node extension of " + subject + ": unknown attestation '" + kind + "'");
            };
            RawPublicKey ak = null;
            String ek = null;
            InetSocketAddress address = null;
            int lastTag = -1;
            for (int i = 4; i < s.size(); i++) {
                ASN1TaggedObject t = ASN1TaggedObject.getInstance(s.getObjectAt(i));
                int tag = t.getTagNo();
                if (tag <= lastTag || tag > 2) {
                    throw new PkiException("node extension of " + subject + ": field [" + tag + "] out of order or unknown");
                }
                lastTag = tag;
                ASN1Primitive inner = t.getExplicitBaseObject().toASN1Primitive();
                switch (tag) {
                    case 0 -> ak = RawPublicKey.fromSpki(ASN1OctetString.getInstance(inner).getOctets());
                    case 1 -> ek = ASN1UTF8String.getInstance(inner).getString();
                    default -> address = address(ASN1UTF8String.getInstance(inner).getString(), subject);
                }
            }
            String cn = commonName(cert);
            return new NodeIdentity(cn, Certificates.rawKey(cert), x25519, mlDsa, attestation, ak, ek, address);
        } catch (PkiException e) {
            throw e;
        } catch (Exception e) {
            throw new PkiException("node extension of " + subject + " is malformed: " + e.getMessage(), e);
        }
    }

    private static InetSocketAddress address(String text, String subject) throws PkiException {
        int c = text.lastIndexOf(':');
        try {
            return InetSocketAddress.createUnresolved(text.substring(0, c), Integer.parseInt(text.substring(c + 1)));
        } catch (RuntimeException e) {
            throw new PkiException("node extension of " + subject + ": address '" + text + "' is not host:port");
        }
    }

    static String commonName(X509Certificate cert) throws PkiException {
        try {
            var rdns = new JcaX509CertificateHolder(cert).getSubject().getRDNs(BCStyle.CN);
            if (rdns.length != 1) {
                throw new PkiException("certificate " + cert.getSubjectX500Principal().getName() + " has no single CN");
            }
            return rdns[0].getFirst().getValue().toString();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new PkiException("certificate not encodable: " + e.getMessage(), e);
        }
    }

    /** A node certificate issued by {@code root}, valid at {@code at}, not a CA. */
    public static void verify(X509Certificate cert, X509Certificate root, Instant at) throws PkiException {
        verify(cert, List.of(root), at);
    }

    /** As {@link #verify(X509Certificate, X509Certificate, Instant)} against any of several roots (rotation). */
    public static void verify(X509Certificate cert, List<X509Certificate> roots, Instant at) throws PkiException {
        String subject = cert.getSubjectX500Principal().getName();
        if (cert.getBasicConstraints() >= 0) {
            throw new PkiException("certificate " + subject + " is a CA, not a node certificate");
        }
        PkiException last = null;
        for (X509Certificate root : roots) {
            if (!root.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
                continue;
            }
            try {
                cert.verify(root.getPublicKey());
            } catch (Exception e) {
                last = new PkiException("certificate " + subject + " is not signed by the federation root");
                continue;
            }
            FederationRoot.checkUsable(root, at);
            if (at.isAfter(cert.getNotAfter().toInstant()) || at.isBefore(cert.getNotBefore().toInstant())) {
                throw new PkiException("certificate " + subject + " is not valid at " + at + " (valid "
                        + cert.getNotBefore().toInstant() + " to " + cert.getNotAfter().toInstant() + ")");
            }
            return;
        }
        throw last != null ? last : new PkiException("certificate " + subject + " is issued by "
                + cert.getIssuerX500Principal().getName() + ", not by the federation root");
    }
}
