package io.aethercore.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.tck.Vectors;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithContext;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.MLDSASigner;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ML-DSA-87 known answers (FIPS 204) for the BouncyCastle code this bundle builds on, and for the
 * software custody's ML-DSA import path.
 *
 * <p>Deterministic signing: BouncyCastle's {@link MLDSASigner} signs deterministically (rnd = 32 zero
 * bytes) when initialised with the bare private key, without {@link ParametersWithRandom}; checked
 * here against the Wycheproof external/pure vectors and, through {@code Sign_internal}, the ACVP
 * internal-interface vectors. The custody itself always signs hedged, so its signatures are checked by
 * verification, not by comparison.
 */
class MlDsaKatTest {

    @TempDir
    Path dir;

    private static String id(JsonNode t) {
        return "tcId " + t.path("tcId").asInt();
    }

    @Test
    void keyGenFromSeed() {
        JsonNode root = Vectors.load("mldsa87_keygen.json");
        assertEquals("ML-DSA-87", Vectors.text(root, "parameterSet"));
        int n = 0;
        for (JsonNode t : Vectors.array(root, "tests")) {
            MLDSAPrivateKeyParameters k = new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_87, Vectors.hex(t, "seed"));
            assertArrayEquals(Vectors.hex(t, "pk"), k.getPublicKey(), id(t) + " pk");
            assertArrayEquals(Vectors.hex(t, "sk"),
                    k.getParametersWithFormat(MLDSAPrivateKeyParameters.EXPANDED_KEY).getEncoded(), id(t) + " sk");
            n++;
        }
        assertEquals(10, n);
    }

    /** The custody imports ML-DSA-87 PKCS#8 in seed and expanded form and derives the right public key. */
    @Test
    void custodyImportsAcvpKeysAndSignsVerifiably() throws Exception {
        SoftwareKeyCustody custody = new SoftwareKeyCustody("kat", dir.resolve("keys"), null, new SecureRandom());
        BcSignatures verifier = new BcSignatures();
        byte[] msg = "ML-DSA-87 through the custody".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int n = 0;
        for (JsonNode t : Vectors.array(Vectors.load("mldsa87_keygen.json"), "tests")) {
            MLDSAPrivateKeyParameters k = new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_87, Vectors.hex(t, "seed"));
            int[] formats = n < 2
                    ? new int[] {MLDSAPrivateKeyParameters.SEED_ONLY, MLDSAPrivateKeyParameters.EXPANDED_KEY,
                        MLDSAPrivateKeyParameters.BOTH}
                    : new int[] {MLDSAPrivateKeyParameters.SEED_ONLY};
            for (int format : formats) {
                byte[] pkcs8 = PrivateKeyInfoFactory.createPrivateKeyInfo(k.getParametersWithFormat(format)).getEncoded("DER");
                KeyHandle h = custody.importPkcs8("acvp-" + t.path("tcId").asInt() + "-" + format, pkcs8);
                assertEquals(KeyAlgorithm.ML_DSA_87, h.algorithm());
                assertArrayEquals(Vectors.hex(t, "pk"), h.publicKey().encoded(), id(t) + " format " + format);
                byte[] sig = custody.sign(h, msg);
                assertDoesNotThrow(() -> verifier.verify(h.publicKey(), msg, sig), id(t) + " format " + format);
            }
            n++;
        }
        assertEquals(10, n);
    }

    /** Exposes {@code Sign_internal(sk, M', rnd)}. */
    private static final class InternalSigner extends MLDSASigner {
        byte[] signInternal(byte[] mPrime, byte[] rnd) {
            return internalGenerateSignature(mPrime, rnd);
        }
    }

    @Test
    void acvpSigGenInternalDeterministic() {
        JsonNode root = Vectors.load("mldsa87_siggen.json");
        assertEquals("internal", Vectors.text(root, "signatureInterface"));
        assertEquals(true, root.path("deterministic").asBoolean());
        int n = 0;
        for (JsonNode t : Vectors.array(root, "tests")) {
            InternalSigner s = new InternalSigner();
            s.init(true, new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_87, Vectors.hex(t, "sk")));
            assertArrayEquals(Vectors.hex(t, "signature"), s.signInternal(Vectors.hex(t, "message"), new byte[32]), id(t));
            n++;
        }
        assertEquals(10, n);
    }

    /** A SecureRandom that returns the given bytes: the {@code rnd} of hedged test vectors. */
    private static final class FixedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] value;

        FixedRandom(byte[] value) {
            this.value = value.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            assertEquals(value.length, bytes.length, "rnd length");
            System.arraycopy(value, 0, bytes, 0, bytes.length);
        }
    }

    /**
     * Wycheproof external/pure signing. Valid cases: deterministic signatures (no rnd: the signer is
     * initialised without a random) and hedged ones (the rnd given) reproduce exactly, and verify through
     * {@link BcSignatures} when the context is empty. Invalid cases: too-long contexts and private keys
     * of the wrong length are refused. Not asserted: tcId 47/48 (expanded private keys with s1/s2 out of
     * range), which BouncyCastle 1.86 accepts and signs with; mu-only cases (external mu) are not
     * offered by the API.
     */
    @Test
    void wycheproofSigning() throws Exception {
        BcSignatures verifier = new BcSignatures();
        int valid = 0;
        int invalid = 0;
        for (Vectors.WycheproofTest t : Vectors.wycheproof("mldsa_87_sign_noseed_test.json")) {
            if (!t.test().hasNonNull("msg") || t.hasFlag("InvalidPrivateKey")) {
                continue;
            }
            byte[] msg = t.hex("msg");
            byte[] ctx = t.test().hasNonNull("ctx") ? t.hex("ctx") : new byte[0];
            byte[] rnd = t.test().hasNonNull("rnd") ? t.hex("rnd") : null;
            byte[] sk = Vectors.hex(t.group(), "privateKey");
            if (t.result().equals("invalid")) {
                assertThrows(IllegalArgumentException.class, () -> sign(sk, msg, ctx, rnd), t.describe());
                invalid++;
                continue;
            }
            assertArrayEquals(t.hex("sig"), sign(sk, msg, ctx, rnd), t.describe());
            if (ctx.length == 0) {
                RawPublicKey pk = RawPublicKey.of(KeyAlgorithm.ML_DSA_87, Vectors.hex(t.group(), "publicKey"));
                assertDoesNotThrow(() -> verifier.verify(pk, msg, t.hex("sig")), t.describe());
            }
            valid++;
        }
        assertEquals(54, valid, "valid signing cases with a message");
        assertEquals(3, invalid, "invalid cases: context too long, short and long private key");
    }

    private static byte[] sign(byte[] sk, byte[] msg, byte[] ctx, byte[] rnd) throws Exception {
        CipherParameters p = new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_87, sk);
        if (rnd != null) {
            p = new ParametersWithRandom(p, new FixedRandom(rnd));
        }
        if (ctx.length > 0) {
            p = new ParametersWithContext(p, ctx);
        }
        MLDSASigner s = new MLDSASigner();
        s.init(true, p);
        s.update(msg, 0, msg.length);
        return s.generateSignature();
    }

    /**
     * All ACVP sigVer verdicts, contexts included, with the BouncyCastle verifier {@link BcSignatures}
     * uses (the service API itself verifies with the empty context only; see the TCK contract).
     */
    @Test
    void acvpSigVerWithContexts() {
        int n = 0;
        for (JsonNode t : Vectors.array(Vectors.load("mldsa87_sigver.json"), "tests")) {
            MLDSASigner v = new MLDSASigner();
            CipherParameters pk = new MLDSAPublicKeyParameters(MLDSAParameters.ml_dsa_87, Vectors.hex(t, "pk"));
            byte[] ctx = Vectors.hex(t, "context");
            v.init(false, ctx.length == 0 ? pk : new ParametersWithContext(pk, ctx));
            byte[] msg = Vectors.hex(t, "message");
            v.update(msg, 0, msg.length);
            boolean ok;
            try {
                ok = v.verifySignature(Vectors.hex(t, "signature"));
            } catch (RuntimeException e) {
                ok = false;
            }
            assertEquals(t.path("testPassed").asBoolean(), ok, id(t));
            n++;
        }
        assertEquals(15, n);
    }
}
