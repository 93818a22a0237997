package io.aethercore.mesh.pki;

import io.aethercore.api.crypto.RawPublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;

/**
 * Node certificates (see docs/mesh-pki.md): subject {@code CN=<nodeId>, OU=node, O=AetherCore Federation},
 * the node key as subject public key, issued by the federation root, with one private extension
 * ({@link NodeInfoExtension}) carrying the node's B4AE keys, attestation and address.
 */
public final class NodeCertificates {

    /** The OID of the node information extension: {@code 2.25.16484656481997896513485884106402332622.1}. */
    public static final ASN1ObjectIdentifier EXTENSION_OID = NodeInfoExtension.OID;

    private static final String NODE_OU = "node";

    private NodeCertificates() {
    }

    /**
     * Issues the certificate of {@code id}, signed through {@code rootSigner} (the custody of the root's key).
     * Valid from {@code notBefore} for {@code validity}, but never beyond the root's end.
     *
     * @throws PkiException if the root is not usable at {@code notBefore}, or the custody cannot sign
     */
    public static X509Certificate issue(X509Certificate root, MessageSigner rootSigner, NodeIdentity id, Instant notBefore,
            Duration validity) throws PkiException {
        Objects.requireNonNull(rootSigner, "rootSigner");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(notBefore, "notBefore");
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("the node certificate's validity must be positive");
        }
        FederationRoot.checkUsable(root, notBefore);
        X509CertificateHolder issuer = Certs.holder(root);
        Instant end = notBefore.plus(validity);
        if (end.isAfter(root.getNotAfter().toInstant())) {
            end = root.getNotAfter().toInstant();
        }
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(id.nodeKey().toSpki());
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer.getSubject(), Certs.serial(), Date.from(notBefore),
                Date.from(end), subject(id.nodeId()), spki);
        try {
            BcX509ExtensionUtils utils = new BcX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(spki));
            b.addExtension(Extension.authorityKeyIdentifier, false, FederationRoot.authorityKeyId(issuer));
            b.addExtension(new Extension(NodeInfoExtension.OID, false, new DEROctetString(NodeInfoExtension.encode(id))));
        } catch (CertIOException e) {
            throw new PkiException("cannot encode the node certificate's extensions: " + e.getMessage(), e);
        }
        return Certs.sign(b, issuer.getSubjectPublicKeyInfo(), rootSigner);
    }

    /**
     * Reads the identity a node certificate binds. Does not check who issued it: call {@link #verify} for that.
     *
     * @throws PkiException if the certificate is not a node certificate of this profile or its extension is malformed
     */
    public static NodeIdentity read(X509Certificate cert) throws PkiException {
        X509CertificateHolder h = Certs.holder(cert);
        X500Name subject = h.getSubject();
        String cn = Certs.rdn(subject, BCStyle.CN);
        if (cn == null || !NODE_OU.equals(Certs.rdn(subject, BCStyle.OU))) {
            throw new PkiException("not a node certificate: subject " + Certs.display(cert) + " has no CN and OU=node");
        }
        Extension ext = h.getExtension(NodeInfoExtension.OID);
        if (ext == null) {
            throw new PkiException("not a node certificate: " + Certs.display(cert) + " lacks the AetherCore extension "
                    + NodeInfoExtension.OID);
        }
        NodeInfoExtension.Fields f = NodeInfoExtension.decode(ext.getExtnValue().getOctets());
        RawPublicKey nodeKey = Certs.rawKey(h.getSubjectPublicKeyInfo());
        try {
            return new NodeIdentity(cn, nodeKey, f.x25519(), f.mlDsa87(), f.attestation(), f.attestationKey(), f.ekDigest(),
                    f.address());
        } catch (IllegalArgumentException e) {
            throw new PkiException("the node certificate " + Certs.display(cert) + " is not usable: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code cert} is a node certificate issued by {@code root}, that both are valid at
     * {@code at}, and that {@code cert} is not a CA.
     */
    public static void verify(X509Certificate cert, X509Certificate root, Instant at) throws PkiException {
        verify(cert, List.of(root), at);
    }

    /**
     * As {@link #verify(X509Certificate, X509Certificate, Instant)}, accepting any of the trust anchors as
     * issuer: during a root rotation nodes trust the old and the new root.
     */
    public static void verify(X509Certificate cert, List<X509Certificate> trustAnchors, Instant at) throws PkiException {
        Objects.requireNonNull(at, "at");
        if (trustAnchors == null || trustAnchors.isEmpty()) {
            throw new PkiException("no federation root to verify the node certificate against");
        }
        X509CertificateHolder h = Certs.holder(cert);
        String who = "the node certificate " + Certs.display(cert);
        List<String> roots = new ArrayList<>();
        for (X509Certificate root : trustAnchors) {
            X509CertificateHolder r = Certs.holder(root);
            roots.add(Certs.display(root));
            if (!h.getIssuer().equals(r.getSubject()) || !Certs.signedBy(h, r.getSubjectPublicKeyInfo())) {
                continue;
            }
            FederationRoot.checkUsable(root, at);
            Certs.checkValidity(cert, at, who);
            if (cert.getBasicConstraints() >= 0) {
                throw new PkiException(who + " is a CA certificate, not a node certificate");
            }
            return;
        }
        throw new PkiException(who + " was not issued by the federation root "
                + (roots.size() == 1 ? roots.get(0) : "(none of " + roots + ")")
                + " (issuer " + Certs.display(h.getIssuer()) + ", signature does not verify with the root's key)");
    }

    static X500Name subject(String nodeId) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, Certs.FEDERATION_ORG).addRDN(BCStyle.OU, NODE_OU)
                .addRDN(BCStyle.CN, nodeId).build();
    }
}
