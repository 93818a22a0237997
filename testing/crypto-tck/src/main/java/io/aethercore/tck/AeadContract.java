package io.aethercore.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.aethercore.api.crypto.Aead;
import io.aethercore.api.crypto.AeadAlgorithm;
import io.aethercore.api.crypto.AeadAuthenticationException;
import io.aethercore.api.crypto.AeadService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Contract of {@link AeadService} and {@link Aead}: RFC 8439 (2.8.2, A.5), the GCM specification's
 * AES-256 test cases, and Wycheproof AES-GCM and ChaCha20-Poly1305.
 *
 * <p>Rules checked: {@code seal} returns ciphertext followed by the 16-byte tag; every authentication
 * failure of {@code open} (modified ciphertext, tag, associated data or nonce, wrong key, input shorter
 * than a tag) is an {@link AeadAuthenticationException} with the message {@code "decryption failed"}
 * and never another exception; a nonce that is not 12 bytes or a key that is not 32 bytes is an {@link
 * IllegalArgumentException} (so vectors with other nonce sizes must be refused that way, valid or not).
 */
public abstract class AeadContract {

    /** The provider under test. */
    protected abstract AeadService aeadService();

    private static final int TAG = AeadAlgorithm.TAG_LENGTH;

    private boolean serves(AeadAlgorithm a) {
        return aeadService().algorithms().contains(a);
    }

    /** Checks one vector. {@code expectedCtTag} null means: an invalid vector, {@code open} must fail. */
    private void check(Vectors.Failures f, String what, AeadAlgorithm alg, byte[] key, byte[] nonce, byte[] aad,
            byte[] pt, byte[] ctTag, boolean valid) {
        f.checked();
        try {
            if (key.length != AeadAlgorithm.KEY_LENGTH) {
                if (Tck.thrownBy(() -> aeadService().newAead(alg, key)) instanceof IllegalArgumentException) {
                    return;
                }
                f.add(what + ": a " + key.length + "-byte key must be an IllegalArgumentException");
                return;
            }
            Aead aead = aeadService().newAead(alg, key);
            if (nonce.length != AeadAlgorithm.NONCE_LENGTH) {
                Throwable s = Tck.thrownBy(() -> aead.seal(nonce, pt, aad));
                Throwable o = Tck.thrownBy(() -> aead.open(nonce, ctTag, aad));
                if (!(s instanceof IllegalArgumentException) || !(o instanceof IllegalArgumentException)) {
                    f.add(what + ": a " + nonce.length + "-byte nonce must be an IllegalArgumentException for seal and open,"
                            + " got " + s + " / " + o);
                }
                return;
            }
            if (valid) {
                byte[] sealed = aead.seal(nonce, pt, aad);
                if (!Arrays.equals(ctTag, sealed)) {
                    f.add(what + ": seal gave " + Vectors.toHex(sealed) + ", expected " + Vectors.toHex(ctTag));
                }
                byte[] opened = aead.open(nonce, ctTag, aad);
                if (!Arrays.equals(pt, opened)) {
                    f.add(what + ": open gave " + Vectors.toHex(opened) + ", expected " + Vectors.toHex(pt));
                }
            } else {
                Throwable t = Tck.thrownBy(() -> aead.open(nonce, ctTag, aad));
                if (!(t instanceof AeadAuthenticationException) || !"decryption failed".equals(t.getMessage())) {
                    f.add(what + ": open must throw AeadAuthenticationException(\"decryption failed\"), got "
                            + (t == null ? "a plaintext" : t));
                }
            }
        } catch (Throwable t) {
            f.add(what, t);
        }
    }

    // ------------------------------------------------------------------------------------------ vectors

    @Test
    void rfc8439Vectors() {
        if (!serves(AeadAlgorithm.CHACHA20_POLY1305)) {
            return;
        }
        Vectors.Failures f = new Vectors.Failures("RFC 8439");
        for (JsonNode v : Vectors.array(Vectors.load("rfc8439_chacha20poly1305.json"), "vectors")) {
            check(f, Vectors.text(v, "name"), AeadAlgorithm.CHACHA20_POLY1305, Vectors.hex(v, "key"),
                    Vectors.hex(v, "nonce"), Vectors.hex(v, "aad"), Vectors.hex(v, "plaintext"),
                    Tck.concat(Vectors.hex(v, "ciphertext"), Vectors.hex(v, "tag")), true);
        }
        f.assertNone(2);
    }

    @Test
    void gcmSpecificationVectors() {
        if (!serves(AeadAlgorithm.AES_256_GCM)) {
            return;
        }
        Vectors.Failures f = new Vectors.Failures("GCM specification AES-256");
        for (JsonNode v : Vectors.array(Vectors.load("nist_aes_gcm.json"), "vectors")) {
            check(f, Vectors.text(v, "name"), AeadAlgorithm.AES_256_GCM, Vectors.hex(v, "key"), Vectors.hex(v, "iv"),
                    Vectors.hex(v, "aad"), Vectors.hex(v, "pt"), Tck.concat(Vectors.hex(v, "ct"), Vectors.hex(v, "tag")),
                    Vectors.text(v, "result").equals("valid"));
        }
        f.assertNone(7);
    }

    private void wycheproof(String file, AeadAlgorithm alg, int minimum) {
        Vectors.Failures f = new Vectors.Failures("Wycheproof " + file);
        for (Vectors.WycheproofTest t : Vectors.wycheproof(file)) {
            if (Vectors.integer(t.group(), "tagSize") != TAG * 8) {
                continue; // truncated tags are not offered by the API
            }
            String result = t.result();
            if (result.equals("acceptable")) {
                // either outcome is fine, but only the typed exception
                f.checked();
                Throwable e = Tck.thrownBy(() -> aeadService().newAead(alg, t.hex("key"))
                        .open(t.hex("iv"), Tck.concat(t.hex("ct"), t.hex("tag")), t.hex("aad")));
                if (e != null && !(e instanceof AeadAuthenticationException || e instanceof IllegalArgumentException)) {
                    f.add(t.describe() + ": wrong exception type " + e);
                }
                continue;
            }
            check(f, t.describe(), alg, t.hex("key"), t.hex("iv"), t.hex("aad"), t.hex("msg"),
                    Tck.concat(t.hex("ct"), t.hex("tag")), result.equals("valid"));
        }
        f.assertNone(minimum);
    }

    @Test
    void wycheproofAesGcm() {
        if (serves(AeadAlgorithm.AES_256_GCM)) {
            wycheproof("aes_gcm_test.json", AeadAlgorithm.AES_256_GCM, 60);
        }
    }

    @Test
    void wycheproofChaCha20Poly1305() {
        if (serves(AeadAlgorithm.CHACHA20_POLY1305)) {
            wycheproof("chacha20_poly1305_test.json", AeadAlgorithm.CHACHA20_POLY1305, 300);
        }
    }

    // ------------------------------------------------------------------------------------ typed failures

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static void expectAuthFailure(String what, Tck.Call call) {
        Throwable t = Tck.thrownBy(call);
        assertTrue(t instanceof AeadAuthenticationException, what + ": expected AeadAuthenticationException, got " + t);
        assertEquals("decryption failed", t.getMessage(), what);
    }

    @Test
    void tamperingIsAnAuthenticationFailure() throws Exception {
        for (AeadAlgorithm alg : aeadService().algorithms()) {
            byte[] key = bytes(32, 1);
            byte[] nonce = bytes(12, 2);
            byte[] aad = bytes(20, 3);
            byte[] pt = bytes(100, 4);
            Aead aead = aeadService().newAead(alg, key);
            byte[] sealed = aead.seal(nonce, pt, aad);
            assertEquals(pt.length + TAG, sealed.length, alg.id() + ": ciphertext || tag");
            assertArrayEquals(pt, aead.open(nonce, sealed, aad));
            String a = alg.id() + " ";
            int bits = sealed.length * 8;
            for (int bit : new int[] {0, 7, 399, bits - TAG * 8, bits - 65, bits - 1}) {
                expectAuthFailure(a + "ciphertext/tag bit " + bit, () -> aead.open(nonce, Tck.flip(sealed, bit), aad));
            }
            expectAuthFailure(a + "aad bit", () -> aead.open(nonce, sealed, Tck.flip(aad, 5)));
            expectAuthFailure(a + "aad missing", () -> aead.open(nonce, sealed, null));
            expectAuthFailure(a + "aad extended", () -> aead.open(nonce, sealed, Tck.concat(aad, new byte[1])));
            expectAuthFailure(a + "nonce bit", () -> aead.open(Tck.flip(nonce, 90), sealed, aad));
            expectAuthFailure(a + "wrong key", () -> aeadService().newAead(alg, Tck.flip(key, 255)).open(nonce, sealed, aad));
            expectAuthFailure(a + "truncated by one byte", () -> aead.open(nonce, Arrays.copyOf(sealed, sealed.length - 1), aad));
            expectAuthFailure(a + "extended by one byte", () -> aead.open(nonce, Tck.concat(sealed, new byte[1]), aad));
            expectAuthFailure(a + "tag only", () -> aead.open(nonce, Arrays.copyOfRange(sealed, pt.length, sealed.length), aad));
            for (int len : new int[] {0, 1, TAG - 1}) {
                expectAuthFailure(a + len + " bytes (shorter than a tag)", () -> aead.open(nonce, new byte[len], aad));
            }
            Throwable t = Tck.thrownBy(() -> aead.open(nonce, null, aad));
            assertTrue(t instanceof AeadAuthenticationException || t instanceof NullPointerException,
                    a + "null input: AeadAuthenticationException or NullPointerException, got " + t);
        }
    }

    @Test
    void rangesSealAndOpenTheSameBytesAsWholeArrays() throws Exception {
        for (AeadAlgorithm alg : aeadService().algorithms()) {
            Aead aead = aeadService().newAead(alg, bytes(32, 11));
            byte[] nonce = bytes(12, 12);
            byte[] aad = bytes(16, 13);
            byte[] pt = bytes(300, 14);
            byte[] whole = aead.seal(nonce, pt, aad);
            byte[] in = Tck.concat(bytes(7, 15), Tck.concat(pt, bytes(5, 16)));
            byte[] out = new byte[16 + pt.length + TAG + 3];
            String a = alg.id() + " ";
            assertEquals(pt.length + TAG, aead.seal(nonce, in, 7, pt.length, aad, out, 16), a + "bytes written");
            assertArrayEquals(whole, Arrays.copyOfRange(out, 16, 16 + whole.length), a + "same ciphertext and tag");
            assertArrayEquals(new byte[16], Arrays.copyOf(out, 16), a + "nothing written before the range");
            assertArrayEquals(pt, aead.open(nonce, out, 16, whole.length, aad), a + "open of a range");
            expectAuthFailure(a + "range one byte short", () -> aead.open(nonce, out, 16, whole.length - 1, aad));
            expectAuthFailure(a + "range shifted", () -> aead.open(nonce, out, 15, whole.length, aad));
            expectAuthFailure(a + "range shorter than a tag", () -> aead.open(nonce, out, 16, TAG - 1, aad));
            byte[] flipped = Tck.flip(out, 16 * 8 + 100);
            expectAuthFailure(a + "tampered range", () -> aead.open(nonce, flipped, 16, whole.length, aad));
            assertTrue(Tck.thrownBy(() -> aead.open(nonce, out, 16, out.length, aad)) instanceof IndexOutOfBoundsException,
                    a + "a range past the array is a programming error");
            assertTrue(Tck.thrownBy(() -> aead.seal(nonce, in, 7, pt.length, aad, new byte[pt.length + TAG - 1], 0))
                    instanceof IndexOutOfBoundsException, a + "an output range too small is a programming error");
        }
    }

    @Test
    void emptyPlaintextAndNullAssociatedData() throws Exception {
        for (AeadAlgorithm alg : aeadService().algorithms()) {
            Aead aead = aeadService().newAead(alg, bytes(32, 9));
            byte[] nonce = bytes(12, 8);
            byte[] sealed = aead.seal(nonce, new byte[0], null);
            assertEquals(TAG, sealed.length, alg.id() + ": empty plaintext gives just a tag");
            assertArrayEquals(new byte[0], aead.open(nonce, sealed, new byte[0]), "null and empty aad are the same");
            byte[] withEmpty = aead.seal(nonce, bytes(10, 1), new byte[0]);
            assertArrayEquals(withEmpty, aead.seal(nonce, bytes(10, 1), null));
            assertEquals(alg, aead.algorithm());
        }
    }

    @Test
    void noncesOfTheWrongLengthAreIllegalArguments() {
        for (AeadAlgorithm alg : aeadService().algorithms()) {
            Aead aead = aeadService().newAead(alg, bytes(32, 5));
            byte[] sealed = aead.seal(bytes(12, 0), bytes(10, 0), null);
            for (int n : new int[] {0, 8, 11, 13, 16, 24}) {
                byte[] nonce = bytes(n, 0);
                assertThrows(IllegalArgumentException.class, () -> aead.seal(nonce, bytes(10, 0), null),
                        alg.id() + " seal with a " + n + "-byte nonce");
                assertThrows(IllegalArgumentException.class, () -> aead.open(nonce, sealed, null),
                        alg.id() + " open with a " + n + "-byte nonce");
            }
            Throwable t = Tck.thrownBy(() -> aead.seal(null, bytes(10, 0), null));
            assertTrue(t instanceof IllegalArgumentException || t instanceof NullPointerException,
                    "null nonce: IllegalArgumentException or NullPointerException, got " + t);
        }
    }

    @Test
    void keysOfTheWrongLengthAreIllegalArguments() {
        AeadService s = aeadService();
        for (AeadAlgorithm alg : AeadAlgorithm.values()) {
            if (!s.algorithms().contains(alg)) {
                assertThrows(IllegalArgumentException.class, () -> s.newAead(alg, bytes(32, 0)), alg.id() + " not served");
                continue;
            }
            for (int n : new int[] {0, 16, 24, 31, 33, 64}) {
                assertThrows(IllegalArgumentException.class, () -> s.newAead(alg, bytes(n, 0)), alg.id() + " " + n + "-byte key");
            }
            Throwable t = Tck.thrownBy(() -> s.newAead(alg, null));
            assertTrue(t instanceof IllegalArgumentException || t instanceof NullPointerException,
                    "null key: IllegalArgumentException or NullPointerException, got " + t);
        }
    }

    @Test
    void theKeyIsCopied() throws Exception {
        for (AeadAlgorithm alg : aeadService().algorithms()) {
            byte[] key = bytes(32, 7);
            Aead aead = aeadService().newAead(alg, key);
            byte[] nonce = bytes(12, 1);
            byte[] sealed = aead.seal(nonce, bytes(40, 2), null);
            Arrays.fill(key, (byte) 0);
            assertArrayEquals(sealed, aead.seal(nonce, bytes(40, 2), null), "wiping the caller's array changes nothing");
            assertArrayEquals(sealed, aeadService().newAead(alg, bytes(32, 7)).seal(nonce, bytes(40, 2), null));
            assertFalse(aead.toString().contains(Vectors.toHex(bytes(32, 7))), "toString hides the key");
        }
    }

    @Test
    void aeadIsThreadSafe() throws Exception {
        for (AeadAlgorithm alg : aeadService().algorithms()) {
            Aead aead = aeadService().newAead(alg, bytes(32, 3));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    Callable<Boolean> job = () -> {
                        for (int i = 0; i < 200; i++) {
                            byte[] nonce = bytes(12, thread * 1000 + i);
                            byte[] pt = ("message " + thread + "/" + i).getBytes(StandardCharsets.UTF_8);
                            byte[] sealed = aead.seal(nonce, pt, nonce);
                            if (!Arrays.equals(pt, aead.open(nonce, sealed, nonce))) {
                                return false;
                            }
                        }
                        return true;
                    };
                    results.add(pool.submit(job));
                }
                for (Future<Boolean> r : results) {
                    assertTrue(r.get(60, TimeUnit.SECONDS), alg.id() + " concurrent seal/open");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
