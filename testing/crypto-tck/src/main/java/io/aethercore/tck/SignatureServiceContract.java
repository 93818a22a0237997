package io.aethercore.tck;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.crypto.SignatureVerificationException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Contract of {@link SignatureService}: RFC 8032 (Ed25519), Wycheproof Ed25519 and ECDSA P-256
 * SHA-256 (IEEE P1363 signatures), NIST ACVP ML-DSA-87 sigVer and Wycheproof ML-DSA-87 signatures,
 * and typed failures for everything else.
 *
 * <p>A verification either returns normally (valid) or throws {@link SignatureVerificationException}
 * (bad signature) or {@link MalformedKeyException} (bad key); any other exception for data from the
 * outside is a contract violation. A key of an algorithm the provider does not serve is a programming
 * error: {@link IllegalArgumentException}.
 *
 * <p>The contract checks the algorithms the provider lists in {@link SignatureService#algorithms()};
 * for the others it checks that they are rejected with {@link IllegalArgumentException}.
 */
public abstract class SignatureServiceContract {

    /** The provider under test. */
    protected abstract SignatureService signatureService();

    // ------------------------------------------------------------------------------------------ helpers

    /** Expects {@code call} to return normally. */
    private static void expectValid(Vectors.Failures f, String what, Tck.Call call) {
        f.checked();
        Throwable t = Tck.thrownBy(call);
        if (t != null) {
            f.add(what + ": expected a valid signature, got " + t);
        }
    }

    /** Expects a {@link SignatureVerificationException} or (if {@code keyMayBeBad}) a {@link MalformedKeyException}. */
    private static void expectRejected(Vectors.Failures f, String what, boolean keyMayBeBad, Tck.Call call) {
        f.checked();
        Throwable t = Tck.thrownBy(call);
        if (t == null) {
            f.add(what + ": an invalid signature verified");
        } else if (!(t instanceof SignatureVerificationException
                || (keyMayBeBad && t instanceof MalformedKeyException))) {
            f.add(what + ": wrong exception type " + t);
        }
    }

    /** Either outcome, but only the two typed exceptions. */
    private static void expectEither(Vectors.Failures f, String what, Tck.Call call) {
        f.checked();
        Throwable t = Tck.thrownBy(call);
        if (t != null && !Tck.isOneOf(t, SignatureVerificationException.class, MalformedKeyException.class)) {
            f.add(what + ": wrong exception type " + t);
        }
    }

    private boolean serves(KeyAlgorithm a) {
        return signatureService().algorithms().contains(a);
    }

    private static RawPublicKey key(KeyAlgorithm a, byte[] raw) {
        try {
            return RawPublicKey.of(a, raw);
        } catch (MalformedKeyException e) {
            throw new AssertionError("vector key rejected by RawPublicKey.of", e);
        }
    }

    /** A known-good (key, message, signature) for an algorithm, taken from the vectors. */
    private record Sample(RawPublicKey key, byte[] message, byte[] signature) {}

    private static Sample sample(KeyAlgorithm a) {
        switch (a) {
            case ED25519 -> {
                JsonNode v = Vectors.array(Vectors.load("rfc8032_ed25519.json"), "vectors").get(2);
                return new Sample(key(a, Vectors.hex(v, "publicKey")), Vectors.hex(v, "message"),
                        Vectors.hex(v, "signature"));
            }
            case ECDSA_P256 -> {
                for (Vectors.WycheproofTest t : Vectors.wycheproof("ecdsa_secp256r1_sha256_p1363_test.json")) {
                    if (t.result().equals("valid") && t.hex("msg").length > 0) {
                        return new Sample(key(a, Vectors.hex(t.group().path("publicKey"), "uncompressed")),
                                t.hex("msg"), t.hex("sig"));
                    }
                }
                throw new IllegalStateException("no valid P-256 vector");
            }
            case ML_DSA_87 -> {
                for (Vectors.WycheproofTest t : Vectors.wycheproof("mldsa_87_sign_noseed_test.json")) {
                    if (t.result().equals("valid") && t.test().hasNonNull("msg") && t.test().path("ctx").asText("").isEmpty()
                            && t.group().hasNonNull("publicKey")) {
                        return new Sample(key(a, Vectors.hex(t.group(), "publicKey")), t.hex("msg"), t.hex("sig"));
                    }
                }
                throw new IllegalStateException("no valid ML-DSA-87 vector");
            }
            default -> throw new IllegalArgumentException(a + " does not sign");
        }
    }

    // --------------------------------------------------------------------------------------- the basics

    @Test
    void servesOnlySignatureAlgorithms() {
        SignatureService s = signatureService();
        assertNotNull(s.provider());
        assertFalse(s.algorithms().isEmpty());
        for (KeyAlgorithm a : s.algorithms()) {
            assertEquals(KeyAlgorithm.Purpose.SIGNATURE, a.purpose(), a + " is not a signature algorithm");
        }
    }

    @Test
    void keysOfAlgorithmsNotServedAreIllegalArguments() throws Exception {
        SignatureService s = signatureService();
        for (KeyAlgorithm a : KeyAlgorithm.values()) {
            if (s.algorithms().contains(a)) {
                continue;
            }
            byte[] raw = new byte[a.publicKeyLength()];
            raw[0] = 0x04; // acceptable prefix for P-256
            RawPublicKey k = RawPublicKey.of(a, raw);
            assertThrows(IllegalArgumentException.class, () -> s.verify(k, new byte[1], new byte[64]),
                    "verify with a " + a.id() + " key");
        }
    }

    // ------------------------------------------------------------------------------------------ Ed25519

    @Test
    void rfc8032Ed25519Vectors() {
        if (!serves(KeyAlgorithm.ED25519)) {
            return;
        }
        SignatureService s = signatureService();
        Vectors.Failures f = new Vectors.Failures("RFC 8032 Ed25519");
        for (JsonNode v : Vectors.array(Vectors.load("rfc8032_ed25519.json"), "vectors")) {
            String name = Vectors.text(v, "name");
            RawPublicKey k = key(KeyAlgorithm.ED25519, Vectors.hex(v, "publicKey"));
            byte[] msg = Vectors.hex(v, "message");
            byte[] sig = Vectors.hex(v, "signature");
            expectValid(f, name, () -> s.verify(k, msg, sig));
            byte[] longerMsg = Tck.concat(msg, new byte[] {0});
            expectRejected(f, name + " with a byte appended to the message", false, () -> s.verify(k, longerMsg, sig));
            if (msg.length > 0) {
                expectRejected(f, name + " with a flipped message bit", false,
                        () -> s.verify(k, Tck.flip(msg, msg.length * 8 - 1), sig));
            }
            expectRejected(f, name + " with a flipped R bit", false, () -> s.verify(k, msg, Tck.flip(sig, 3)));
            expectRejected(f, name + " with a flipped S bit", false, () -> s.verify(k, msg, Tck.flip(sig, 300)));
        }
        f.assertNone(5);
    }

    @Test
    void wycheproofEd25519() {
        if (!serves(KeyAlgorithm.ED25519)) {
            return;
        }
        SignatureService s = signatureService();
        Vectors.Failures f = new Vectors.Failures("Wycheproof Ed25519");
        for (Vectors.WycheproofTest t : Vectors.wycheproof("ed25519_test.json")) {
            JsonNode pk = t.group().has("publicKey") ? t.group().get("publicKey") : t.group().get("key");
            byte[] raw = Vectors.hex(pk, "pk");
            Tck.Call call = () -> s.verify(RawPublicKey.of(KeyAlgorithm.ED25519, raw), t.hex("msg"), t.hex("sig"));
            switch (t.result()) {
                case "valid" -> expectValid(f, t.describe(), call);
                case "invalid" -> expectRejected(f, t.describe(), true, call);
                default -> expectEither(f, t.describe(), call);
            }
        }
        f.assertNone(150);
    }

    @Test
    void malformedEd25519KeysAreRejected() {
        if (!serves(KeyAlgorithm.ED25519)) {
            return;
        }
        SignatureService s = signatureService();
        Sample good = sample(KeyAlgorithm.ED25519);
        // y = 2^255 - 1 >= p: not a canonical encoding (RFC 8032 5.1.3 step 1 rejects it)
        byte[] nonCanonical = new byte[32];
        Arrays.fill(nonCanonical, (byte) 0xff);
        nonCanonical[31] = 0x7f;
        assertThrows(MalformedKeyException.class, () -> s.verify(RawPublicKey.of(KeyAlgorithm.ED25519, nonCanonical),
                good.message(), good.signature()), "non-canonical Ed25519 key (y >= p)");
    }

    // ------------------------------------------------------------------------------------ ECDSA P-256

    @Test
    void wycheproofEcdsaP256Sha256P1363() {
        if (!serves(KeyAlgorithm.ECDSA_P256)) {
            return;
        }
        SignatureService s = signatureService();
        Vectors.Failures f = new Vectors.Failures("Wycheproof ECDSA P-256 SHA-256 P1363");
        for (Vectors.WycheproofTest t : Vectors.wycheproof("ecdsa_secp256r1_sha256_p1363_test.json")) {
            JsonNode pk = t.group().has("publicKey") ? t.group().get("publicKey") : t.group().get("key");
            byte[] raw = Vectors.hex(pk, "uncompressed");
            Tck.Call call = () -> s.verify(RawPublicKey.of(KeyAlgorithm.ECDSA_P256, raw), t.hex("msg"), t.hex("sig"));
            switch (t.result()) {
                case "valid" -> expectValid(f, t.describe(), call);
                case "invalid" -> expectRejected(f, t.describe(), true, call);
                default -> expectEither(f, t.describe(), call);
            }
        }
        f.assertNone(250);
    }

    @Test
    void p256PointsOffTheCurveAreMalformed() throws Exception {
        if (!serves(KeyAlgorithm.ECDSA_P256)) {
            return;
        }
        SignatureService s = signatureService();
        Sample good = sample(KeyAlgorithm.ECDSA_P256);
        byte[] raw = good.key().encoded();
        byte[] offCurve = Tck.flip(raw, 64 * 8); // last byte of y changed
        assertThrows(MalformedKeyException.class,
                () -> s.verify(RawPublicKey.of(KeyAlgorithm.ECDSA_P256, offCurve), good.message(), good.signature()));
        byte[] xTooBig = raw.clone();
        Arrays.fill(xTooBig, 1, 33, (byte) 0xff); // x >= p
        assertThrows(MalformedKeyException.class,
                () -> s.verify(RawPublicKey.of(KeyAlgorithm.ECDSA_P256, xTooBig), good.message(), good.signature()));
        byte[] zeros = new byte[65];
        zeros[0] = 0x04;
        assertThrows(MalformedKeyException.class,
                () -> s.verify(RawPublicKey.of(KeyAlgorithm.ECDSA_P256, zeros), good.message(), good.signature()));
    }

    // ---------------------------------------------------------------------------------------- ML-DSA-87

    /**
     * ACVP sigVer (external interface, pure). The API verifies with the empty context only, so a
     * vector whose context is not empty must fail here whatever its {@code testPassed}: a signature
     * made under another context must not verify under the empty one (FIPS 204 domain separation).
     */
    @Test
    void acvpMlDsa87SigVer() {
        if (!serves(KeyAlgorithm.ML_DSA_87)) {
            return;
        }
        SignatureService s = signatureService();
        JsonNode root = Vectors.load("mldsa87_sigver.json");
        assertEquals("ML-DSA-87", Vectors.text(root, "parameterSet"));
        assertEquals("external", Vectors.text(root, "signatureInterface"));
        assertEquals("pure", Vectors.text(root, "preHash"));
        Vectors.Failures f = new Vectors.Failures("ACVP ML-DSA-87 sigVer");
        for (JsonNode t : Vectors.array(root, "tests")) {
            byte[] ctx = Vectors.hex(t, "context");
            boolean passed = t.path("testPassed").asBoolean();
            String what = "tcId " + t.path("tcId").asInt() + " (testPassed " + passed + ", context " + ctx.length + " bytes)";
            Tck.Call call = () -> s.verify(RawPublicKey.of(KeyAlgorithm.ML_DSA_87, Vectors.hex(t, "pk")),
                    Vectors.hex(t, "message"), Vectors.hex(t, "signature"));
            if (passed && ctx.length == 0) {
                expectValid(f, what, call);
            } else {
                expectRejected(f, what, false, call);
            }
        }
        f.assertNone(15);
    }

    /**
     * Wycheproof ML-DSA-87 signatures (external interface): valid signatures with an absent or empty
     * context verify; those made under a non-empty context must not.
     */
    @Test
    void wycheproofMlDsa87Signatures() {
        if (!serves(KeyAlgorithm.ML_DSA_87)) {
            return;
        }
        SignatureService s = signatureService();
        Vectors.Failures f = new Vectors.Failures("Wycheproof ML-DSA-87 signatures");
        for (Vectors.WycheproofTest t : Vectors.wycheproof("mldsa_87_sign_noseed_test.json")) {
            if (!t.result().equals("valid") || !t.test().hasNonNull("msg") || !t.group().hasNonNull("publicKey")) {
                continue; // signing-side cases (bad private keys, too-long contexts, mu-only Sign_internal)
            }
            RawPublicKey k = key(KeyAlgorithm.ML_DSA_87, Vectors.hex(t.group(), "publicKey"));
            byte[] msg = t.hex("msg");
            byte[] sig = t.hex("sig");
            byte[] ctx = t.test().hasNonNull("ctx") ? t.hex("ctx") : new byte[0];
            if (ctx.length == 0) {
                expectValid(f, t.describe(), () -> s.verify(k, msg, sig));
                expectRejected(f, t.describe() + " with a flipped message bit", false,
                        () -> s.verify(k, msg.length == 0 ? new byte[1] : Tck.flip(msg, 0), sig));
            } else {
                expectRejected(f, t.describe() + " (signed under a non-empty context)", false, () -> s.verify(k, msg, sig));
            }
        }
        f.assertNone(50);
    }

    // ------------------------------------------------------------------- typed failures, all algorithms

    @Test
    void wrongLengthSignaturesFailVerification() {
        Vectors.Failures f = new Vectors.Failures("wrong-length signatures");
        SignatureService s = signatureService();
        for (KeyAlgorithm a : s.algorithms()) {
            Sample g = sample(a);
            expectValid(f, a.id() + " sample", () -> s.verify(g.key(), g.message(), g.signature()));
            int n = a.signatureLength();
            for (int len : new int[] {0, 1, n - 1, n + 1, 2 * n}) {
                byte[] sig = Arrays.copyOf(g.signature(), len);
                expectRejected(f, a.id() + " signature of " + len + " bytes", false, () -> s.verify(g.key(), g.message(), sig));
            }
        }
        f.assertNone(6 * s.algorithms().size());
    }

    @Test
    void tamperedMessagesAndSignaturesFailVerification() {
        Vectors.Failures f = new Vectors.Failures("tampering");
        SignatureService s = signatureService();
        for (KeyAlgorithm a : s.algorithms()) {
            Sample g = sample(a);
            byte[] msg = g.message();
            byte[] sig = g.signature();
            int bits = sig.length * 8;
            for (int bit : new int[] {0, 7, bits / 2, bits / 2 + 1, bits - 8, bits - 1}) {
                expectRejected(f, a.id() + " signature bit " + bit + " flipped", false,
                        () -> s.verify(g.key(), msg, Tck.flip(sig, bit)));
            }
            if (msg.length > 0) {
                expectRejected(f, a.id() + " message bit 0 flipped", false, () -> s.verify(g.key(), Tck.flip(msg, 0), sig));
                expectRejected(f, a.id() + " message truncated", false,
                        () -> s.verify(g.key(), Arrays.copyOf(msg, msg.length - 1), sig));
            }
            expectRejected(f, a.id() + " message extended", false, () -> s.verify(g.key(), Tck.concat(msg, new byte[1]), sig));
            expectRejected(f, a.id() + " all-zero signature", false, () -> s.verify(g.key(), msg, new byte[sig.length]));
        }
        f.assertNone(8 * s.algorithms().size());
    }

    @Test
    void keysOfAnotherAlgorithmGiveTypedFailures() throws Exception {
        SignatureService s = signatureService();
        List<KeyAlgorithm> served = List.copyOf(s.algorithms());
        for (KeyAlgorithm a : served) {
            Sample g = sample(a);
            for (KeyAlgorithm other : served) {
                if (other == a) {
                    continue;
                }
                Sample o = sample(other);
                // the signature of one algorithm under the key of another: never valid
                Throwable t = Tck.thrownBy(() -> s.verify(o.key(), g.message(), g.signature()));
                assertTrue(t instanceof SignatureVerificationException,
                        a.id() + " signature under a " + other.id() + " key: expected SignatureVerificationException, got " + t);
            }
            // the same key bytes declared as a key-agreement or KEM key: a programming error
            for (KeyAlgorithm notSigning : KeyAlgorithm.values()) {
                if (notSigning.purpose() == KeyAlgorithm.Purpose.SIGNATURE
                        || notSigning.publicKeyLength() != a.publicKeyLength()) {
                    continue;
                }
                RawPublicKey wrong = RawPublicKey.of(notSigning, g.key().encoded());
                assertThrows(IllegalArgumentException.class, () -> s.verify(wrong, g.message(), g.signature()),
                        a.id() + " key bytes declared as " + notSigning.id());
            }
        }
    }

    @Test
    void verificationIsRepeatable() {
        SignatureService s = signatureService();
        for (KeyAlgorithm a : s.algorithms()) {
            Sample g = sample(a);
            for (int i = 0; i < 3; i++) {
                assertDoesNotThrow(() -> s.verify(g.key(), g.message(), g.signature()), a.id() + " run " + i);
                assertThrows(SignatureVerificationException.class,
                        () -> s.verify(g.key(), g.message(), Tck.flip(g.signature(), 9)), a.id() + " run " + i);
            }
        }
    }
}
