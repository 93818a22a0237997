package io.aethercore.crypto.internal;

import org.osgi.service.component.annotations.Component;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.crypto.SignatureVerificationException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.MLDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/** Signature verification on BouncyCastle: Ed25519, ECDSA P-256 (P1363), ML-DSA-87. OSGi-free. */
@Component(
        service = SignatureService.class,
        configurationPid = BcProviders.PID,
        property = {
            "service.ranking:Integer=10",
            "aethercore.provider=bouncycastle",
            "aethercore.native:Boolean=false",
            "aethercore.algorithms=Ed25519",
            "aethercore.algorithms=ECDSA-P256-SHA256",
            "aethercore.algorithms=ML-DSA-87"
        })
public final class BcSignatures implements SignatureService {

    static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    static final ECDomainParameters P256_DOMAIN =
            new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH(), P256.getSeed());

    private static final Set<KeyAlgorithm> ALGORITHMS =
            EnumSet.of(KeyAlgorithm.ED25519, KeyAlgorithm.ECDSA_P256, KeyAlgorithm.ML_DSA_87);

    @Override
    public String provider() {
        return BcHashing.PROVIDER;
    }

    @Override
    public Set<KeyAlgorithm> algorithms() {
        return ALGORITHMS;
    }

    @Override
    public void verify(RawPublicKey publicKey, byte[] message, byte[] signature)
            throws SignatureVerificationException, MalformedKeyException {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(message, "message");
        KeyAlgorithm alg = publicKey.algorithm();
        if (!ALGORITHMS.contains(alg)) {
            throw new IllegalArgumentException(alg.id() + " is not a signature algorithm served by " + provider());
        }
        if (signature == null || signature.length != alg.signatureLength()) {
            throw new SignatureVerificationException();
        }
        boolean valid = switch (alg) {
            case ED25519 -> verifyEd25519(publicKey, message, signature);
            case ECDSA_P256 -> verifyP256(publicKey, message, signature);
            case ML_DSA_87 -> verifyMlDsa(publicKey, message, signature);
            default -> throw new IllegalStateException();
        };
        if (!valid) {
            throw new SignatureVerificationException();
        }
    }

    static Ed25519PublicKeyParameters ed25519Key(RawPublicKey key) throws MalformedKeyException {
        try {
            // decodes and validates the point (canonical y, on the curve)
            return new Ed25519PublicKeyParameters(key.encoded(), 0);
        } catch (IllegalArgumentException e) {
            throw new MalformedKeyException("not a valid Ed25519 public key");
        }
    }

    private static boolean verifyEd25519(RawPublicKey key, byte[] message, byte[] signature)
            throws MalformedKeyException {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(false, ed25519Key(key));
        signer.update(message, 0, message.length);
        return signer.verifySignature(signature);
    }

    static ECPublicKeyParameters p256Key(RawPublicKey key) throws MalformedKeyException {
        try {
            ECPoint q = P256.getCurve().decodePoint(key.encoded()).normalize();
            if (q.isInfinity() || !q.isValid()) {
                throw new MalformedKeyException("not a valid P-256 public key");
            }
            return new ECPublicKeyParameters(q, P256_DOMAIN);
        } catch (IllegalArgumentException e) {
            throw new MalformedKeyException("not a valid P-256 public key (point not on the curve)");
        }
    }

    private static boolean verifyP256(RawPublicKey key, byte[] message, byte[] signature)
            throws MalformedKeyException {
        ECPublicKeyParameters pub = p256Key(key);
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        byte[] h = sha256(message);
        ECDSASigner signer = new ECDSASigner();
        signer.init(false, pub);
        // ECDSASigner rejects r or s outside [1, n-1]
        return signer.verifySignature(h, r, s);
    }

    static byte[] sha256(byte[] message) {
        SHA256Digest d = new SHA256Digest();
        d.update(message, 0, message.length);
        byte[] h = new byte[32];
        d.doFinal(h, 0);
        return h;
    }

    static MLDSAPublicKeyParameters mlDsaKey(RawPublicKey key) throws MalformedKeyException {
        try {
            return new MLDSAPublicKeyParameters(MLDSAParameters.ml_dsa_87, key.encoded());
        } catch (RuntimeException e) {
            throw new MalformedKeyException("not a valid ML-DSA-87 public key");
        }
    }

    private static boolean verifyMlDsa(RawPublicKey key, byte[] message, byte[] signature)
            throws MalformedKeyException {
        MLDSASigner signer = new MLDSASigner();
        signer.init(false, mlDsaKey(key));
        signer.update(message, 0, message.length);
        try {
            return signer.verifySignature(signature);
        } catch (RuntimeException e) {
            // malformed signature internals (hint vector out of range and the like)
            return false;
        }
    }

    @Override
    public String toString() {
        return "SignatureService[" + provider() + "]";
    }
}
