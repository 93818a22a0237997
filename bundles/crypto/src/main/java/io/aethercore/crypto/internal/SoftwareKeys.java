package io.aethercore.crypto.internal;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.MLDSAKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.MLDSASigner;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.bouncycastle.util.BigIntegers;

/**
 * Private keys in memory, as BouncyCastle lightweight parameters: generation, PKCS#8 encoding,
 * signing and agreement. The only place in the software custody that touches private key material.
 */
final class SoftwareKeys {

    static final ECNamedDomainParameters P256 =
            new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, BcSignatures.P256);

    /** A private key and its public key. Never printed. */
    record Pair(KeyAlgorithm algorithm, AsymmetricKeyParameter privateKey, RawPublicKey publicKey) {
        @Override
        public String toString() {
            return "Pair[" + publicKey + ", private key hidden]";
        }
    }

    static Pair generate(KeyAlgorithm algorithm, SecureRandom random) {
        return switch (algorithm) {
            case ED25519 -> fromPrivate(new Ed25519PrivateKeyParameters(random));
            case X25519 -> fromPrivate(new X25519PrivateKeyParameters(random));
            case ECDSA_P256 -> {
                ECKeyPairGenerator gen = new ECKeyPairGenerator();
                gen.init(new ECKeyGenerationParameters(P256, random));
                AsymmetricCipherKeyPair kp = gen.generateKeyPair();
                yield fromPrivate(kp.getPrivate());
            }
            case ML_DSA_87 -> {
                MLDSAKeyPairGenerator gen = new MLDSAKeyPairGenerator();
                gen.init(new MLDSAKeyGenerationParameters(random, MLDSAParameters.ml_dsa_87));
                yield fromPrivate(gen.generateKeyPair().getPrivate());
            }
            case ML_KEM_1024 -> throw new IllegalArgumentException(
                    "ML-KEM keys are ephemeral here; use KemService, not a custody");
        };
    }

    /** Derives the public key and algorithm of a private key. */
    static Pair fromPrivate(AsymmetricKeyParameter priv) {
        try {
            if (priv instanceof Ed25519PrivateKeyParameters k) {
                return new Pair(KeyAlgorithm.ED25519, k,
                        RawPublicKey.of(KeyAlgorithm.ED25519, k.generatePublicKey().getEncoded()));
            } else if (priv instanceof X25519PrivateKeyParameters k) {
                return new Pair(KeyAlgorithm.X25519, k,
                        RawPublicKey.of(KeyAlgorithm.X25519, k.generatePublicKey().getEncoded()));
            } else if (priv instanceof ECPrivateKeyParameters k && isP256(k)) {
                ECPrivateKeyParameters named = new ECPrivateKeyParameters(k.getD(), P256);
                byte[] q = P256.getG().multiply(k.getD()).normalize().getEncoded(false);
                return new Pair(KeyAlgorithm.ECDSA_P256, named, RawPublicKey.of(KeyAlgorithm.ECDSA_P256, q));
            } else if (priv instanceof MLDSAPrivateKeyParameters k
                    && k.getParameters().getName().equals(MLDSAParameters.ml_dsa_87.getName())) {
                return new Pair(KeyAlgorithm.ML_DSA_87, k, RawPublicKey.of(KeyAlgorithm.ML_DSA_87, k.getPublicKey()));
            }
        } catch (MalformedKeyException e) {
            throw new IllegalStateException("a key generated here has a malformed public key", e);
        }
        throw new IllegalArgumentException("unsupported private key type");
    }

    private static boolean isP256(ECPrivateKeyParameters k) {
        return k.getParameters().getCurve().equals(P256.getCurve()) && k.getParameters().getG().equals(P256.getG());
    }

    static byte[] toPkcs8(Pair pair) throws IOException {
        AsymmetricKeyParameter priv = pair.privateKey();
        if (priv instanceof Ed25519PrivateKeyParameters || priv instanceof X25519PrivateKeyParameters) {
            // PKCS#8 v1 without the optional public key (RFC 8410), as openssl writes it: BC writes v2
            // (OneAsymmetricKey with the public key), which OpenSSL 3.0 cannot read
            byte[] raw = priv instanceof Ed25519PrivateKeyParameters k ? k.getEncoded()
                    : ((X25519PrivateKeyParameters) priv).getEncoded();
            try {
                return new PrivateKeyInfo(new AlgorithmIdentifier(priv instanceof Ed25519PrivateKeyParameters
                        ? EdECObjectIdentifiers.id_Ed25519 : EdECObjectIdentifiers.id_X25519),
                        new DEROctetString(raw)).getEncoded("DER");
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        }
        // BC 1.86 encodes ML-DSA (org.bouncycastle.crypto.params) here too; the pqc factory does not know it
        return PrivateKeyInfoFactory.createPrivateKeyInfo(priv).getEncoded("DER");
    }

    static Pair fromPkcs8(byte[] der) throws MalformedKeyException {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new MalformedKeyException("not a PKCS#8 private key");
        }
        AsymmetricKeyParameter key = null;
        try {
            key = PrivateKeyFactory.createKey(info);
        } catch (IOException | RuntimeException e) {
            try {
                key = org.bouncycastle.pqc.crypto.util.PrivateKeyFactory.createKey(info);
            } catch (IOException | RuntimeException e2) {
                throw new MalformedKeyException("PKCS#8 key of an unsupported or malformed algorithm");
            }
        }
        try {
            return fromPrivate(key);
        } catch (IllegalArgumentException e) {
            throw new MalformedKeyException("PKCS#8 key of an unsupported algorithm");
        }
    }

    static byte[] sign(Pair pair, byte[] message, SecureRandom random) {
        return switch (pair.algorithm()) {
            case ED25519 -> {
                byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
                ((Ed25519PrivateKeyParameters) pair.privateKey())
                        .sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, sig, 0);
                yield sig;
            }
            case ECDSA_P256 -> {
                // deterministic nonces (RFC 6979), signature in P1363 form
                ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
                signer.init(true, pair.privateKey());
                BigInteger[] rs = signer.generateSignature(BcSignatures.sha256(message));
                byte[] sig = new byte[64];
                BigIntegers.asUnsignedByteArray(rs[0], sig, 0, 32);
                BigIntegers.asUnsignedByteArray(rs[1], sig, 32, 32);
                yield sig;
            }
            case ML_DSA_87 -> {
                MLDSASigner signer = new MLDSASigner();
                signer.init(true, new ParametersWithRandom(pair.privateKey(), random)); // hedged
                signer.update(message, 0, message.length);
                try {
                    yield signer.generateSignature();
                } catch (CryptoException e) {
                    throw new IllegalStateException("ML-DSA signing failed", e);
                }
            }
            default -> throw new IllegalArgumentException(pair.algorithm().id() + " keys do not sign");
        };
    }

    private SoftwareKeys() {}
}
