package io.aethercore.crypto.internal;

import org.osgi.service.component.annotations.Component;
import io.aethercore.api.crypto.Encapsulation;
import io.aethercore.api.crypto.InvalidInputException;
import io.aethercore.api.crypto.KemKeyPair;
import io.aethercore.api.crypto.KemService;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.generators.MLKEMKeyPairGenerator;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.params.MLKEMKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;

/** ML-KEM-1024 (FIPS 203) on BouncyCastle, with the encapsulation-key check of FIPS 203 section 7.2. */
@Component(
        service = KemService.class,
        configurationPid = BcProviders.PID,
        property = {
            "service.ranking:Integer=10",
            "aethercore.provider=bouncycastle",
            "aethercore.native:Boolean=false",
            "aethercore.algorithms=ML-KEM-1024"
        })
public final class BcKem implements KemService {

    /** Ciphertext length of ML-KEM-1024. */
    public static final int CIPHERTEXT_LENGTH = 1568;

    private static final Set<KeyAlgorithm> ALGORITHMS = EnumSet.of(KeyAlgorithm.ML_KEM_1024);
    private static final int Q = 3329;

    private final SecureRandom random;

    public BcKem(SecureRandom random) {
        this.random = random;
    }

    public BcKem() {
        this(new SecureRandom());
    }

    @Override
    public String provider() {
        return BcHashing.PROVIDER;
    }

    @Override
    public Set<KeyAlgorithm> algorithms() {
        return ALGORITHMS;
    }

    @Override
    public KemKeyPair generate(KeyAlgorithm algorithm) {
        if (algorithm != KeyAlgorithm.ML_KEM_1024) {
            throw new IllegalArgumentException(algorithm + " is not a KEM served by " + provider());
        }
        MLKEMKeyPairGenerator gen = new MLKEMKeyPairGenerator();
        gen.init(new MLKEMKeyGenerationParameters(random, MLKEMParameters.ml_kem_1024));
        AsymmetricCipherKeyPair kp = gen.generateKeyPair();
        return new MlKemPair((MLKEMPrivateKeyParameters) kp.getPrivate());
    }

    /** Key pair from the 64-byte seed {@code d || z} of FIPS 203 ML-KEM.KeyGen_internal (for known-answer tests). */
    public static KemKeyPair fromSeed(byte[] seed64) {
        return new MlKemPair(new MLKEMPrivateKeyParameters(MLKEMParameters.ml_kem_1024, seed64));
    }

    /**
     * Key pair from an expanded FIPS 203 decapsulation key (3168 bytes), for the ACVP decapsulation
     * known-answer tests, whose vectors carry no seed.
     *
     * @throws IllegalArgumentException if {@code dk} fails the FIPS 203 7.3 checks (length, hash of ek)
     */
    static KemKeyPair fromExpandedKey(byte[] dk) {
        return new MlKemPair(new MLKEMPrivateKeyParameters(MLKEMParameters.ml_kem_1024, dk));
    }

    @Override
    public Encapsulation encapsulate(RawPublicKey publicKey) throws MalformedKeyException {
        SecretWithEncapsulation swe = new MLKEMGenerator(random).generateEncapsulated(checkedKey(publicKey));
        return new Encapsulation(swe.getEncapsulation(), swe.getSecret());
    }

    /** Deterministic encapsulation with the 32-byte message {@code m} (for known-answer tests). */
    public static Encapsulation encapsulateDeterministic(RawPublicKey publicKey, byte[] m) throws MalformedKeyException {
        SecretWithEncapsulation swe = MLKEMGenerator.internalGenerateEncapsulated(checkedKey(publicKey), m);
        return new Encapsulation(swe.getEncapsulation(), swe.getSecret());
    }

    /** FIPS 203 7.2 input checks: type check (length) and modulus check (every coefficient below q). */
    static MLKEMPublicKeyParameters checkedKey(RawPublicKey key) throws MalformedKeyException {
        if (key == null || key.algorithm() != KeyAlgorithm.ML_KEM_1024) {
            throw new MalformedKeyException("not an ML-KEM-1024 encapsulation key");
        }
        byte[] ek = key.encoded();
        int polyBytes = ek.length - 32; // 384 * k bytes of 12-bit coefficients, then rho
        for (int i = 0; i < polyBytes; i += 3) {
            int b0 = ek[i] & 0xff;
            int b1 = ek[i + 1] & 0xff;
            int b2 = ek[i + 2] & 0xff;
            int c0 = b0 | ((b1 & 0x0f) << 8);
            int c1 = (b1 >>> 4) | (b2 << 4);
            if (c0 >= Q || c1 >= Q) {
                throw new MalformedKeyException("ML-KEM-1024 encapsulation key fails the modulus check");
            }
        }
        return new MLKEMPublicKeyParameters(MLKEMParameters.ml_kem_1024, ek);
    }

    @Override
    public String toString() {
        return "KemService[" + provider() + "]";
    }

    private static final class MlKemPair implements KemKeyPair {
        private final MLKEMPrivateKeyParameters priv;
        private final RawPublicKey publicKey;
        private volatile boolean closed;

        MlKemPair(MLKEMPrivateKeyParameters priv) {
            this.priv = priv;
            try {
                this.publicKey = RawPublicKey.of(KeyAlgorithm.ML_KEM_1024, priv.getPublicKey());
            } catch (MalformedKeyException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public RawPublicKey publicKey() {
            return publicKey;
        }

        @Override
        public synchronized byte[] decapsulate(byte[] ciphertext) throws InvalidInputException {
            if (closed) {
                throw new IllegalStateException("KEM key pair is closed");
            }
            if (ciphertext == null || ciphertext.length != CIPHERTEXT_LENGTH) {
                throw new InvalidInputException("ML-KEM-1024 ciphertext must be " + CIPHERTEXT_LENGTH + " bytes");
            }
            return new MLKEMExtractor(priv).extractSecret(ciphertext);
        }

        @Override
        public synchronized void close() {
            closed = true;
            priv.destroy();
        }

        @Override
        public String toString() {
            return "KemKeyPair[" + publicKey + "]";
        }
    }
}
