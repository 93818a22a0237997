package io.aethercore.audit.internal;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.crypto.SignatureVerificationException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Set;

/**
 * Signature verification with the JDK alone (Ed25519, ECDSA P-256), for the offline verifier, which
 * must run off the node with no AetherCore service. Slower than BouncyCastle, which does not matter
 * for an audit.
 */
public final class JdkSignatures implements SignatureService {

    @Override
    public String provider() {
        return "jdk";
    }

    @Override
    public Set<KeyAlgorithm> algorithms() {
        return Set.of(KeyAlgorithm.ED25519, KeyAlgorithm.ECDSA_P256);
    }

    @Override
    public void verify(RawPublicKey key, byte[] message, byte[] signature)
            throws SignatureVerificationException, MalformedKeyException {
        String kf;
        String alg;
        switch (key.algorithm()) {
            case ED25519 -> {
                kf = "Ed25519";
                alg = "Ed25519";
            }
            case ECDSA_P256 -> {
                kf = "EC";
                alg = "SHA256withECDSAinP1363Format";
            }
            default -> throw new IllegalArgumentException("the JDK verifier does not check " + key.algorithm().id()
                    + " signatures");
        }
        if (signature == null || signature.length != key.algorithm().signatureLength()) {
            throw new SignatureVerificationException();
        }
        PublicKey pk;
        try {
            pk = KeyFactory.getInstance(kf).generatePublic(new X509EncodedKeySpec(key.toSpki()));
        } catch (GeneralSecurityException e) {
            throw new MalformedKeyException("not a valid " + key.algorithm().id() + " public key");
        }
        try {
            Signature s = Signature.getInstance(alg);
            s.initVerify(pk);
            s.update(message);
            if (!s.verify(signature)) {
                throw new SignatureVerificationException();
            }
        } catch (GeneralSecurityException e) {
            throw new SignatureVerificationException();
        }
    }
}
