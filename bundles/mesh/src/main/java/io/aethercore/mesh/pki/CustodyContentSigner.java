package io.aethercore.mesh.pki;

import io.aethercore.api.crypto.KeyAlgorithm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.RuntimeOperatorException;

/**
 * A BouncyCastle {@link ContentSigner} over a custody's {@link MessageSigner}, for X.509 certificates and
 * CMS. Ed25519 (OID 1.3.101.112, RFC 8410): the custody's 64 raw bytes are the signature. ECDSA P-256
 * ({@code ecdsa-with-SHA256}, 1.2.840.10045.4.3.2): the custody's P1363 {@code r || s} becomes the DER
 * {@code SEQUENCE { r INTEGER, s INTEGER }} that RFC 5480 asks for.
 *
 * <p>One instance signs one message (BouncyCastle asks for a new signer per certificate or SignerInfo).
 * A custody failure surfaces as BouncyCastle's {@link RuntimeOperatorException}, with the custody's
 * exception as its cause.
 */
public final class CustodyContentSigner implements ContentSigner {

    private static final AlgorithmIdentifier ED25519 = new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
    private static final AlgorithmIdentifier ECDSA_SHA256 = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);

    private final KeyAlgorithm algorithm;
    private final MessageSigner signer;
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();

    private CustodyContentSigner(KeyAlgorithm algorithm, MessageSigner signer) {
        this.algorithm = algorithm;
        this.signer = signer;
    }

    /**
     * @throws IllegalArgumentException for an algorithm other than Ed25519 and ECDSA P-256
     */
    public static CustodyContentSigner of(KeyAlgorithm algorithm, MessageSigner signer) {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(signer, "signer");
        if (algorithm != KeyAlgorithm.ED25519 && algorithm != KeyAlgorithm.ECDSA_P256) {
            throw new IllegalArgumentException(algorithm.id() + " cannot sign certificates or CMS here;"
                    + " the federation PKI signs with Ed25519 or ECDSA P-256");
        }
        return new CustodyContentSigner(algorithm, signer);
    }

    public KeyAlgorithm keyAlgorithm() {
        return algorithm;
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm == KeyAlgorithm.ED25519 ? ED25519 : ECDSA_SHA256;
    }

    @Override
    public OutputStream getOutputStream() {
        return message;
    }

    @Override
    public byte[] getSignature() {
        byte[] signature;
        try {
            signature = signer.sign(message.toByteArray());
        } catch (Exception e) {
            throw new RuntimeOperatorException("the key custody could not sign: " + e.getMessage(), e);
        }
        if (signature == null || signature.length != 64) {
            throw new RuntimeOperatorException("the key custody returned a " + algorithm.id() + " signature of "
                    + (signature == null ? "no" : signature.length) + " bytes, expected 64");
        }
        return algorithm == KeyAlgorithm.ED25519 ? signature : p1363ToDer(signature);
    }

    /** {@code r || s} (two 32-byte big-endian integers) to DER {@code SEQUENCE { r, s }}. */
    static byte[] p1363ToDer(byte[] rs) {
        int half = rs.length / 2;
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(rs, 0, half))));
        v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(rs, half, rs.length))));
        try {
            return new DERSequence(v).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding in memory failed", e);
        }
    }
}
