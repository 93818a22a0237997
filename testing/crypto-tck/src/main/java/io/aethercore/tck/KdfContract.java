package io.aethercore.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.aethercore.api.crypto.KdfAlgorithm;
import io.aethercore.api.crypto.KdfService;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Contract of {@link KdfService} (HKDF, RFC 5869): the RFC's SHA-256 test cases, Wycheproof HKDF-SHA-256
 * and HKDF-SHA-512 (whose invalid cases, outputs longer than 255 hash lengths, must be {@link
 * IllegalArgumentException}s), and the output length limits.
 */
public abstract class KdfContract {

    /** The provider under test. */
    protected abstract KdfService kdfService();

    @Test
    void rfc5869Sha256() {
        KdfService s = kdfService();
        if (!s.algorithms().contains(KdfAlgorithm.HKDF_SHA256)) {
            return;
        }
        KdfAlgorithm a = KdfAlgorithm.HKDF_SHA256;
        for (JsonNode v : Vectors.array(Vectors.load("rfc5869_hkdf.json"), "vectors")) {
            String name = Vectors.text(v, "name");
            assertEquals("SHA-256", Vectors.text(v, "hash"), name);
            byte[] ikm = Vectors.hex(v, "ikm");
            byte[] salt = Vectors.hex(v, "salt");
            byte[] info = Vectors.hex(v, "info");
            int length = Vectors.integer(v, "length");
            byte[] prk = Vectors.hex(v, "prk");
            byte[] okm = Vectors.hex(v, "okm");
            assertArrayEquals(prk, s.extract(a, salt, ikm), name + " PRK");
            assertArrayEquals(okm, s.expand(a, prk, info, length), name + " OKM");
            assertArrayEquals(okm, s.derive(a, salt, ikm, info, length), name + " derive");
            assertArrayEquals(Arrays.copyOf(okm, 10), s.expand(a, prk, info, 10), name + " shorter output is a prefix");
            if (salt.length == 0) {
                assertArrayEquals(prk, s.extract(a, null, ikm), name + ": a null salt is an empty salt");
                assertArrayEquals(prk, s.extract(a, new byte[a.hashLength()], ikm),
                        name + ": an empty salt is HashLen zero bytes");
            }
            if (info.length == 0) {
                assertArrayEquals(okm, s.expand(a, prk, null, length), name + ": a null info is an empty info");
            }
        }
    }

    private void wycheproof(String file, KdfAlgorithm a, int minimum) {
        KdfService s = kdfService();
        Vectors.Failures f = new Vectors.Failures("Wycheproof " + file);
        for (Vectors.WycheproofTest t : Vectors.wycheproof(file)) {
            f.checked();
            int size = Vectors.integer(t.test(), "size");
            Throwable thrown = null;
            byte[] out = null;
            try {
                out = s.derive(a, t.hex("salt"), t.hex("ikm"), t.hex("info"), size);
            } catch (Throwable e) {
                thrown = e;
            }
            if (t.result().equals("valid")) {
                if (thrown != null) {
                    f.add(t.describe() + ": failed with " + thrown);
                } else if (!Arrays.equals(t.hex("okm"), out)) {
                    f.add(t.describe() + ": OKM " + Vectors.toHex(out));
                }
            } else if (t.result().equals("invalid")) {
                if (!(thrown instanceof IllegalArgumentException)) {
                    f.add(t.describe() + ": expected IllegalArgumentException, got " + (thrown == null ? "output" : thrown));
                }
            } else if (thrown != null && !(thrown instanceof IllegalArgumentException)) {
                f.add(t.describe() + ": wrong exception type " + thrown);
            }
        }
        f.assertNone(minimum);
    }

    @Test
    void wycheproofHkdfSha256() {
        if (kdfService().algorithms().contains(KdfAlgorithm.HKDF_SHA256)) {
            wycheproof("hkdf_sha256_test.json", KdfAlgorithm.HKDF_SHA256, 80);
        }
    }

    @Test
    void wycheproofHkdfSha512() {
        if (kdfService().algorithms().contains(KdfAlgorithm.HKDF_SHA512)) {
            wycheproof("hkdf_sha512_test.json", KdfAlgorithm.HKDF_SHA512, 80);
        }
    }

    @Test
    void outputLengthLimits() {
        KdfService s = kdfService();
        assertFalse(s.algorithms().isEmpty());
        for (KdfAlgorithm a : s.algorithms()) {
            byte[] prk = s.extract(a, null, new byte[] {1, 2, 3});
            assertEquals(a.hashLength(), prk.length, a.id() + " PRK length");
            int max = a.maxOutputLength();
            assertEquals(255 * a.hashLength(), max);
            assertEquals(max, s.expand(a, prk, null, max).length, a.id() + " longest output");
            assertEquals(1, s.expand(a, prk, null, 1).length);
            for (int bad : new int[] {0, -1, max + 1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
                assertThrows(IllegalArgumentException.class, () -> s.expand(a, prk, null, bad), a.id() + " length " + bad);
                assertThrows(IllegalArgumentException.class, () -> s.derive(a, null, prk, null, bad),
                        a.id() + " derive length " + bad);
            }
        }
    }

    @Test
    void prkShorterThanTheHashIsRejected() {
        KdfService s = kdfService();
        for (KdfAlgorithm a : s.algorithms()) {
            assertThrows(IllegalArgumentException.class, () -> s.expand(a, new byte[a.hashLength() - 1], null, 16), a.id());
            assertThrows(IllegalArgumentException.class, () -> s.expand(a, new byte[0], null, 16), a.id());
            assertEquals(16, s.expand(a, new byte[a.hashLength() + 7], null, 16).length, a.id() + " a longer PRK is fine");
        }
    }

    @Test
    void expandOutputsArePrefixesOfEachOther() {
        KdfService s = kdfService();
        for (KdfAlgorithm a : s.algorithms()) {
            byte[] prk = s.extract(a, new byte[] {9}, new byte[] {7, 7, 7});
            byte[] full = s.expand(a, prk, new byte[] {1}, 3 * a.hashLength() + 5);
            for (int n : new int[] {1, a.hashLength() - 1, a.hashLength(), a.hashLength() + 1, 2 * a.hashLength()}) {
                assertArrayEquals(Arrays.copyOf(full, n), s.expand(a, prk, new byte[] {1}, n), a.id() + " length " + n);
            }
        }
    }
}
