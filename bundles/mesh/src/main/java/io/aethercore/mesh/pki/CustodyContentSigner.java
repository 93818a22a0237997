package io.aethercore.mesh.pki;

import io.aethercore.api.crypto.KeyAlgorithm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.RuntimeOperatorException;

/**
 * A BouncyCastle {@link ContentSigner} whose key stays in its custody: X.509 and CMS signatures are made
 * by {@link MessageSigner}, and an ECDSA P-256 signature is re-encoded from P1363 to DER.
 */
public final class CustodyContentSigner implements ContentSigner {

    private final KeyAlgorithm algorithm;
    private final MessageSigner signer;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    private CustodyContentSigner(KeyAlgorithm algorithm, MessageSigner signer) {
        this.algorithm = algorithm;
        this.signer = signer;
    }

    public static CustodyContentSigner of(KeyAlgorithm algorithm, MessageSigner signer) {
        if (algorithm != KeyAlgorithm.ED25519 && algorithm != KeyAlgorithm.ECDSA_P256) {
            throw new IllegalArgumentException("certificates are signed with Ed25519 or ECDSA P-256, not " + algorithm.id());
        }
        return new CustodyContentSigner(algorithm, signer);
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm == KeyAlgorithm.ED25519 ? new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519)
                : new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
    }

    @Override
    public OutputStream getOutputStream() {
        return buffer;
    }

    @Override
    public byte[] getSignature() {
        byte[] sig;
        try {
            sig = signer.sign(buffer.toByteArray());
        } catch (Exception e) {
            throw new RuntimeOperatorException("the custody could not sign: " + e.getMessage(), e);
        } finally {
            buffer.reset();
        }
        return algorithm == KeyAlgorithm.ED25519 ? sig : derEcdsa(sig);
    }

    /** P1363 {@code r || s} to DER {@code SEQUENCE { r, s }}. */
    static byte[] derEcdsa(byte[] p1363) {
        if (p1363.length != 64) {
            throw new RuntimeOperatorException("an ECDSA P-256 signature is 64 bytes r||s, got " + p1363.length);
        }
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(p1363, 0, 32))));
        v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(p1363, 32, 64))));
        try {
            return new DERSequence(v).getEncoded();
        } catch (IOException e) {
            throw new RuntimeOperatorException("DER encoding failed", e);
        }
    }
}
