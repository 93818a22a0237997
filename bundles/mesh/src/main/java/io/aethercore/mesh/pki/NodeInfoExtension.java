package io.aethercore.mesh.pki;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;

/**
 * The node certificate's private extension (non-critical), DER:
 *
 * <pre>
 * -- OID 2.25.16484656481997896513485884106402332622.1
 * -- (the UUID arc of 0c66d450-8de9-421d-b8fd-4ba2c8827fce, sub-arc 1: node information)
 * AetherNodeInfo ::= SEQUENCE {
 *   version         INTEGER (1),
 *   b4aeX25519      OCTET STRING (SIZE (32)),          -- raw X25519 key (RFC 7748)
 *   b4aeMlDsa87     SubjectPublicKeyInfo,              -- ML-DSA-87 (2.16.840.1.101.3.4.3.19)
 *   attestation     UTF8String,                        -- "tpm" | "software"
 *   attestationKey  [0] EXPLICIT SubjectPublicKeyInfo OPTIONAL,
 *   ekDigest        [1] IMPLICIT OCTET STRING (SIZE (32)) OPTIONAL,  -- SHA-256 of the EK public area
 *   address         [2] IMPLICIT UTF8String OPTIONAL   -- "host:port" or "[v6]:port"
 * }
 * </pre>
 */
final class NodeInfoExtension {

    /** The AetherCore UUID arc (RFC 4122 / X.667): 2.25 + UUID 0c66d450-8de9-421d-b8fd-4ba2c8827fce as an integer. */
    static final ASN1ObjectIdentifier ARC = new ASN1ObjectIdentifier("2.25.16484656481997896513485884106402332622");
    /** The node information extension. */
    static final ASN1ObjectIdentifier OID = ARC.branch("1");

    static final int VERSION = 1;
    private static final int MAX_LENGTH = 16 * 1024;

    private NodeInfoExtension() {
    }

    /** The extension's value (the DER inside the extnValue OCTET STRING). */
    static byte[] encode(NodeIdentity id) {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(VERSION));
        v.add(new DEROctetString(id.b4aeX25519().encoded()));
        v.add(parse(id.b4aeMlDsa87().toSpki()));
        v.add(new DERUTF8String(id.attestation().id()));
        if (id.attestationKey() != null) {
            v.add(new DERTaggedObject(true, 0, parse(id.attestationKey().toSpki())));
        }
        if (id.endorsementKeyDigest() != null) {
            v.add(new DERTaggedObject(false, 1, new DEROctetString(HexFormat.of().parseHex(id.endorsementKeyDigest()))));
        }
        if (id.address() != null) {
            v.add(new DERTaggedObject(false, 2, new DERUTF8String(Addresses.format(id.address()))));
        }
        try {
            return new DERSequence(v).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding in memory failed", e);
        }
    }

    /** The fields of the extension; the certificate supplies the NodeID and the node key. */
    record Fields(RawPublicKey x25519, RawPublicKey mlDsa87, AttestationKind attestation, RawPublicKey attestationKey,
            String ekDigest, InetSocketAddress address) {
    }

    /** Parses the extension value, treating every byte as hostile. */
    static Fields decode(byte[] der) throws PkiException {
        if (der == null || der.length == 0 || der.length > MAX_LENGTH) {
            throw bad("it is empty or longer than " + MAX_LENGTH + " bytes");
        }
        try {
            ASN1Primitive p = ASN1Primitive.fromByteArray(der);
            if (!(p instanceof ASN1Sequence seq) || !Arrays.equals(p.getEncoded(ASN1Encoding.DER), der)) {
                throw bad("it is not one DER SEQUENCE");
            }
            if (seq.size() < 4 || seq.size() > 7) {
                throw bad("it has " + seq.size() + " fields, expected 4 to 7");
            }
            if (!(seq.getObjectAt(0) instanceof ASN1Integer version) || !version.hasValue(VERSION)) {
                throw bad("version is not " + VERSION);
            }
            RawPublicKey x25519 = RawPublicKey.of(KeyAlgorithm.X25519, octets(seq.getObjectAt(1), "b4aeX25519"));
            RawPublicKey mlDsa = spki(seq.getObjectAt(2), "b4aeMlDsa87");
            if (mlDsa.algorithm() != KeyAlgorithm.ML_DSA_87) {
                throw bad("b4aeMlDsa87 is a " + mlDsa.algorithm().id() + " key");
            }
            if (!(seq.getObjectAt(3) instanceof ASN1UTF8String kindText)) {
                throw bad("attestation is not a UTF8String");
            }
            AttestationKind kind = kind(kindText.getString());
            RawPublicKey ak = null;
            String ek = null;
            InetSocketAddress address = null;
            int lastTag = -1;
            for (int i = 4; i < seq.size(); i++) {
                if (!(seq.getObjectAt(i) instanceof ASN1TaggedObject t) || t.getTagClass() != BERTags.CONTEXT_SPECIFIC
                        || t.getTagNo() <= lastTag || t.getTagNo() > 2) {
                    throw bad("field " + (i + 1) + " is not [0], [1] or [2] in order");
                }
                lastTag = t.getTagNo();
                switch (t.getTagNo()) {
                    case 0 -> {
                        if (!t.isExplicit()) {
                            throw bad("attestationKey [0] is not EXPLICIT");
                        }
                        ak = spki(t.getExplicitBaseObject(), "attestationKey");
                    }
                    case 1 -> {
                        byte[] d = ASN1OctetString.getInstance(t, false).getOctets();
                        if (d.length != 32) {
                            throw bad("ekDigest is " + d.length + " bytes, expected 32");
                        }
                        ek = HexFormat.of().formatHex(d);
                    }
                    default -> address = Addresses.parse(ASN1UTF8String.getInstance(t, false).getString());
                }
            }
            return new Fields(x25519, mlDsa, kind, ak, ek, address);
        } catch (PkiException e) {
            throw e;
        } catch (MalformedKeyException | IOException | RuntimeException e) {
            throw bad(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static AttestationKind kind(String id) throws PkiException {
        for (AttestationKind k : AttestationKind.values()) {
            if (k.id().equals(id)) {
                return k;
            }
        }
        throw bad("unknown attestation kind '" + Addresses.shorten(id) + "'");
    }

    private static byte[] octets(ASN1Encodable e, String field) throws PkiException {
        if (!(e instanceof ASN1OctetString o)) {
            throw bad(field + " is not an OCTET STRING");
        }
        return o.getOctets();
    }

    private static RawPublicKey spki(ASN1Encodable e, String field) throws PkiException, IOException {
        if (!(e instanceof ASN1Sequence s)) {
            throw bad(field + " is not a SubjectPublicKeyInfo");
        }
        try {
            return RawPublicKey.fromSpki(s.getEncoded(ASN1Encoding.DER));
        } catch (MalformedKeyException ex) {
            throw bad(field + ": " + ex.getMessage());
        }
    }

    private static ASN1Primitive parse(byte[] der) {
        try {
            return ASN1Primitive.fromByteArray(der);
        } catch (IOException e) {
            throw new IllegalStateException("a RawPublicKey's SPKI does not parse", e);
        }
    }

    private static PkiException bad(String why) {
        return new PkiException("the node certificate's AetherCore extension (" + OID + ") is malformed: " + why);
    }
}
