package io.aethercore.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.aethercore.api.crypto.Encapsulation;
import io.aethercore.api.crypto.InvalidInputException;
import io.aethercore.api.crypto.KemKeyPair;
import io.aethercore.api.crypto.KemService;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Contract of {@link KemService} for ML-KEM-1024 (FIPS 203): round trips, implicit rejection, input
 * checks (ciphertext length, the encapsulation-key modulus check of FIPS 203 section 7.2, including the
 * ACVP {@code encapsulationKeyCheck} vectors).
 *
 * <p>The ACVP keyGen / encapsulation / decapsulation known answers need deterministic entry points
 * (seeds, the message {@code m}, expanded decapsulation keys) that the service API does not offer; each
 * provider checks them in its own tests.
 */
public abstract class KemContract {

    /** The provider under test. */
    protected abstract KemService kemService();

    private static final int CT = 1568;
    private static final int SS = 32;

    @Test
    void servesKemAlgorithmsOnly() {
        KemService s = kemService();
        assertTrue(s.algorithms().contains(KeyAlgorithm.ML_KEM_1024), "ML-KEM-1024 is served");
        for (KeyAlgorithm a : KeyAlgorithm.values()) {
            if (!s.algorithms().contains(a)) {
                assertThrows(IllegalArgumentException.class, () -> s.generate(a), a.id());
            } else {
                assertEquals(KeyAlgorithm.Purpose.KEM, a.purpose());
            }
        }
    }

    @Test
    void roundTrip() throws Exception {
        KemService s = kemService();
        try (KemKeyPair pair = s.generate(KeyAlgorithm.ML_KEM_1024)) {
            RawPublicKey ek = pair.publicKey();
            assertEquals(KeyAlgorithm.ML_KEM_1024, ek.algorithm());
            assertEquals(KeyAlgorithm.ML_KEM_1024.publicKeyLength(), ek.length());
            Encapsulation e = s.encapsulate(ek);
            assertEquals(CT, e.ciphertext().length);
            assertEquals(SS, e.sharedSecret().length);
            assertArrayEquals(e.sharedSecret(), pair.decapsulate(e.ciphertext()));
            assertArrayEquals(e.sharedSecret(), pair.decapsulate(e.ciphertext()), "decapsulation is repeatable");
            Encapsulation e2 = s.encapsulate(ek);
            assertFalse(Arrays.equals(e.ciphertext(), e2.ciphertext()), "encapsulation is randomized");
            assertFalse(Arrays.equals(e.sharedSecret(), e2.sharedSecret()));
            assertArrayEquals(e2.sharedSecret(), pair.decapsulate(e2.ciphertext()));
            assertFalse(e.toString().contains(Vectors.toHex(e.sharedSecret())), "toString hides the secret");
        }
    }

    @Test
    void anotherKeyPairDerivesAnotherSecret() throws Exception {
        KemService s = kemService();
        try (KemKeyPair a = s.generate(KeyAlgorithm.ML_KEM_1024);
                KemKeyPair b = s.generate(KeyAlgorithm.ML_KEM_1024)) {
            assertFalse(a.publicKey().equals(b.publicKey()));
            Encapsulation e = s.encapsulate(a.publicKey());
            byte[] wrong = b.decapsulate(e.ciphertext());
            assertEquals(SS, wrong.length);
            assertFalse(Arrays.equals(e.sharedSecret(), wrong));
        }
    }

    @Test
    void modifiedCiphertextGivesAnotherSecret() throws Exception {
        KemService s = kemService();
        try (KemKeyPair pair = s.generate(KeyAlgorithm.ML_KEM_1024)) {
            Encapsulation e = s.encapsulate(pair.publicKey());
            byte[] ct = e.ciphertext();
            for (int bit : new int[] {0, 1, 4000, CT * 8 / 2, CT * 8 - 257, CT * 8 - 1}) {
                byte[] bad = Tck.flip(ct, bit);
                byte[] k1 = pair.decapsulate(bad); // implicit rejection: no exception
                assertEquals(SS, k1.length);
                assertFalse(Arrays.equals(e.sharedSecret(), k1), "bit " + bit + " flipped: the secret must change");
                assertArrayEquals(k1, pair.decapsulate(bad), "the rejection secret is deterministic");
            }
            assertArrayEquals(e.sharedSecret(), pair.decapsulate(ct), "the original still decapsulates");
        }
    }

    @Test
    void wrongLengthCiphertextIsInvalidInput() throws Exception {
        KemService s = kemService();
        try (KemKeyPair pair = s.generate(KeyAlgorithm.ML_KEM_1024)) {
            byte[] ct = s.encapsulate(pair.publicKey()).ciphertext();
            for (int len : new int[] {0, 1, CT - 1, CT + 1, 2 * CT, 1088}) {
                byte[] bad = Arrays.copyOf(ct, len);
                assertThrows(InvalidInputException.class, () -> pair.decapsulate(bad), len + "-byte ciphertext");
            }
            Throwable t = Tck.thrownBy(() -> pair.decapsulate(null));
            assertTrue(t instanceof InvalidInputException || t instanceof NullPointerException,
                    "null ciphertext: InvalidInputException or NullPointerException, got " + t);
        }
    }

    @Test
    void closedKeyPairRefusesToDecapsulate() throws Exception {
        KemService s = kemService();
        KemKeyPair pair = s.generate(KeyAlgorithm.ML_KEM_1024);
        byte[] ct = s.encapsulate(pair.publicKey()).ciphertext();
        pair.close();
        pair.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> pair.decapsulate(ct));
    }

    /** Encapsulation key with the 12-bit coefficient {@code index} set to {@code value}. */
    private static byte[] withCoefficient(byte[] ek, int index, int value) {
        byte[] b = ek.clone();
        int i = (index / 2) * 3;
        if (index % 2 == 0) {
            b[i] = (byte) value;
            b[i + 1] = (byte) ((b[i + 1] & 0xf0) | ((value >>> 8) & 0x0f));
        } else {
            b[i + 1] = (byte) ((b[i + 1] & 0x0f) | ((value & 0x0f) << 4));
            b[i + 2] = (byte) (value >>> 4);
        }
        return b;
    }

    @Test
    void encapsulationKeysFailingTheModulusCheckAreMalformed() throws Exception {
        KemService s = kemService();
        try (KemKeyPair pair = s.generate(KeyAlgorithm.ML_KEM_1024)) {
            byte[] ek = pair.publicKey().encoded();
            int coefficients = (ek.length - 32) * 2 / 3; // 1024 for ML-KEM-1024
            // sanity: rewriting a coefficient with a value below q keeps the key acceptable
            assertEquals(CT, s.encapsulate(RawPublicKey.of(KeyAlgorithm.ML_KEM_1024, withCoefficient(ek, 0, 3328)))
                    .ciphertext().length, "coefficient q - 1 is fine");
            for (int index : new int[] {0, 1, 511, 512, coefficients - 2, coefficients - 1}) {
                for (int value : new int[] {3329, 3330, 4000, 4095}) {
                    RawPublicKey bad = RawPublicKey.of(KeyAlgorithm.ML_KEM_1024, withCoefficient(ek, index, value));
                    assertThrows(MalformedKeyException.class, () -> s.encapsulate(bad),
                            "coefficient " + index + " = " + value + " (>= q)");
                }
            }
        }
    }

    @Test
    void acvpEncapsulationKeyCheck() {
        KemService s = kemService();
        JsonNode group = Vectors.load("mlkem1024_encapdecap.json").get("encapsulationKeyCheck");
        Vectors.Failures f = new Vectors.Failures("ACVP ML-KEM-1024 encapsulationKeyCheck");
        for (JsonNode t : Vectors.array(group, "tests")) {
            f.checked();
            boolean passed = t.path("testPassed").asBoolean();
            String what = "tcId " + t.path("tcId").asInt() + " (" + t.path("reason").asText() + ")";
            byte[] ek = Vectors.hex(t, "ek");
            Throwable thrown = Tck.thrownBy(() -> {
                Encapsulation e = s.encapsulate(RawPublicKey.of(KeyAlgorithm.ML_KEM_1024, ek));
                assertEquals(CT, e.ciphertext().length);
            });
            if (passed && thrown != null) {
                f.add(what + ": valid key rejected with " + thrown);
            } else if (!passed && !(thrown instanceof MalformedKeyException)) {
                f.add(what + ": expected MalformedKeyException, got " + (thrown == null ? "success" : thrown));
            }
        }
        f.assertNone(10);
    }

    @Test
    void keysOfAnotherAlgorithmAreRejected() throws Exception {
        KemService s = kemService();
        byte[] raw = new byte[32];
        raw[0] = 9;
        RawPublicKey x = RawPublicKey.of(KeyAlgorithm.X25519, raw);
        Throwable t = Tck.thrownBy(() -> s.encapsulate(x));
        assertTrue(t instanceof MalformedKeyException || t instanceof IllegalArgumentException,
                "an X25519 key: MalformedKeyException or IllegalArgumentException, got " + t);
    }
}
