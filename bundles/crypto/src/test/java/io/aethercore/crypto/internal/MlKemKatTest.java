package io.aethercore.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.aethercore.api.crypto.Encapsulation;
import io.aethercore.api.crypto.KemKeyPair;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.tck.Vectors;
import java.util.Arrays;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * NIST ACVP ML-KEM-1024 known answers (FIPS 203, ACVP-Server v1.1.0.40) through the deterministic
 * entry points of {@link BcKem}: key generation from {@code d || z}, encapsulation with a given
 * {@code m}, decapsulation with an expanded decapsulation key.
 */
class MlKemKatTest {

    private static final JsonNode ENCAP_DECAP = Vectors.load("mlkem1024_encapdecap.json");

    private static byte[] seed(JsonNode t) {
        return Vectors.hex(Vectors.text(t, "d") + Vectors.text(t, "z"));
    }

    private static String id(JsonNode t) {
        return "tcId " + t.path("tcId").asInt();
    }

    @Test
    void keyGenFromSeed() throws Exception {
        JsonNode root = Vectors.load("mlkem1024_keygen.json");
        assertEquals("ML-KEM-1024", Vectors.text(root, "parameterSet"));
        int n = 0;
        for (JsonNode t : Vectors.array(root, "tests")) {
            byte[] seed = seed(t);
            try (KemKeyPair pair = BcKem.fromSeed(seed)) {
                assertEquals(KeyAlgorithm.ML_KEM_1024, pair.publicKey().algorithm());
                assertArrayEquals(Vectors.hex(t, "ek"), pair.publicKey().encoded(), id(t) + " ek");
                // dk is not visible through the API; the key fromSeed wraps expands to the expected dk
                byte[] dk = new MLKEMPrivateKeyParameters(MLKEMParameters.ml_kem_1024, seed)
                        .withPreferredFormat(MLKEMPrivateKeyParameters.EXPANDED_KEY).getEncoded();
                assertArrayEquals(Vectors.hex(t, "dk"), dk, id(t) + " dk");
                // and the pair decapsulates what is encapsulated to its ek
                Encapsulation e = BcKem.encapsulateDeterministic(pair.publicKey(), Arrays.copyOf(seed, 32));
                assertArrayEquals(e.sharedSecret(), pair.decapsulate(e.ciphertext()), id(t) + " round trip");
            }
            try (KemKeyPair expanded = BcKem.fromExpandedKey(Vectors.hex(t, "dk"))) {
                assertArrayEquals(Vectors.hex(t, "ek"), expanded.publicKey().encoded(), id(t) + " ek from the expanded dk");
            }
            n++;
        }
        assertEquals(10, n);
    }

    @Test
    void encapsulationWithGivenM() throws Exception {
        int n = 0;
        for (JsonNode t : Vectors.array(ENCAP_DECAP.get("encapsulation"), "tests")) {
            RawPublicKey ek = RawPublicKey.of(KeyAlgorithm.ML_KEM_1024, Vectors.hex(t, "ek"));
            Encapsulation e = BcKem.encapsulateDeterministic(ek, Vectors.hex(t, "m"));
            assertArrayEquals(Vectors.hex(t, "c"), e.ciphertext(), id(t) + " c");
            assertArrayEquals(Vectors.hex(t, "k"), e.sharedSecret(), id(t) + " k");
            n++;
        }
        assertEquals(10, n);
    }

    /** Valid and modified ciphertexts: the latter must give the implicit-rejection key, not an error. */
    @Test
    void decapsulationWithExpandedKey() throws Exception {
        int n = 0;
        int modified = 0;
        for (JsonNode t : Vectors.array(ENCAP_DECAP.get("decapsulation"), "tests")) {
            try (KemKeyPair pair = BcKem.fromExpandedKey(Vectors.hex(t, "dk"))) {
                assertArrayEquals(Vectors.hex(t, "k"), pair.decapsulate(Vectors.hex(t, "c")),
                        id(t) + " (" + t.path("reason").asText() + ")");
            }
            if (t.path("reason").asText().contains("modified")) {
                modified++;
            }
            n++;
        }
        assertEquals(10, n);
        assertTrue(modified > 0, "the vectors include modified ciphertexts");
    }

    /** FIPS 203 7.3: a decapsulation key whose embedded H(ek) is wrong is refused. */
    @Test
    void decapsulationKeyCheck() {
        int n = 0;
        for (JsonNode t : Vectors.array(ENCAP_DECAP.get("decapsulationKeyCheck"), "tests")) {
            byte[] dk = Vectors.hex(t, "dk");
            String what = id(t) + " (" + t.path("reason").asText() + ")";
            if (t.path("testPassed").asBoolean()) {
                BcKem.fromExpandedKey(dk).close();
            } else {
                assertThrows(IllegalArgumentException.class, () -> BcKem.fromExpandedKey(dk), what);
            }
            n++;
        }
        assertEquals(10, n);
        byte[] good = Vectors.hex(Vectors.array(Vectors.load("mlkem1024_keygen.json"), "tests").get(0), "dk");
        assertThrows(IllegalArgumentException.class, () -> BcKem.fromExpandedKey(Arrays.copyOf(good, good.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> BcKem.fromSeed(new byte[63]));
    }

    @Test
    void deterministicEncapsulationChecksTheKeyToo() throws Exception {
        byte[] ek = Vectors.hex(Vectors.array(ENCAP_DECAP.get("encapsulation"), "tests").get(0), "ek");
        ek[0] = (byte) 0xff; // coefficient 0 = 0x?ff with the low nibble of byte 1: force >= q
        ek[1] = (byte) (ek[1] | 0x0f);
        RawPublicKey bad = RawPublicKey.of(KeyAlgorithm.ML_KEM_1024, ek);
        assertThrows(io.aethercore.api.crypto.MalformedKeyException.class,
                () -> BcKem.encapsulateDeterministic(bad, new byte[32]));
    }
}
