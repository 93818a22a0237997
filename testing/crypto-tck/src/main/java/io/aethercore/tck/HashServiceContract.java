package io.aethercore.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.Hasher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Contract of {@link HashService} and {@link Hasher}, with the official BLAKE3 test vectors
 * ({@code blake3_test_vectors.json}) and the FIPS 180-2 example digests of SHA-256 and SHA-512.
 *
 * <p>Argument errors a provider must raise:
 *
 * <ul>
 *   <li>a BLAKE3 key that is not 32 bytes, an unacceptable derive-key context (see {@link
 *       HashService#checkDeriveKeyContext}), an output length below 1 (or, for SHA-2, other than the
 *       digest length), an algorithm not served: {@link IllegalArgumentException};
 *   <li>{@code update(data, offset, length)} with a range outside {@code data}: {@link
 *       IndexOutOfBoundsException} (as {@link java.util.Objects#checkFromIndexSize} throws), checked
 *       before any byte is consumed, so the hasher is unchanged and still usable.
 * </ul>
 *
 * <p>A provider that serves only BLAKE3 (a native one) must reject SHA-2 with {@link
 * IllegalArgumentException}; the SHA-2 answers are checked only for providers whose {@link
 * HashService#algorithms()} contains them.
 */
public abstract class HashServiceContract {

    /** The provider under test. May return the same instance every time (it is thread-safe). */
    protected abstract HashService hashService();

    private static final String FILE = "blake3_test_vectors.json";
    /** Length of the extended output in the official vectors. */
    private static final int FULL = 131;
    /** Odd chunk sizes around the BLAKE3 block (64) and chunk (1024) sizes. */
    private static final int[] CHUNKS = {1, 3, 7, 63, 65, 127, 1023, 1025, 5, 2049};

    // ----------------------------------------------------------------------------------------- vectors

    /** Input of the official vectors: {@code i % 251}. */
    protected static byte[] input(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    private static List<JsonNode> cases() {
        return Vectors.array(Vectors.load(FILE), "cases");
    }

    private static byte[] blake3Key() {
        byte[] key = Vectors.text(Vectors.load(FILE), "key").getBytes(StandardCharsets.US_ASCII);
        assertEquals(HashService.BLAKE3_KEY_LENGTH, key.length, "vector key length");
        return key;
    }

    private static String blake3Context() {
        return Vectors.text(Vectors.load(FILE), "context_string");
    }

    @Test
    void servesBlake3OrRejectsIt() {
        HashService s = hashService();
        assertNotNull(s.provider());
        assertFalse(s.algorithms().isEmpty(), "a hash service serves at least one algorithm");
        if (!s.algorithms().contains(HashAlgorithm.BLAKE3)) {
            assertThrows(IllegalArgumentException.class, () -> s.newHasher(HashAlgorithm.BLAKE3));
            assertThrows(IllegalArgumentException.class, () -> s.newBlake3Keyed(new byte[32]));
            assertThrows(IllegalArgumentException.class, () -> s.newBlake3DeriveKey("context"));
        }
    }

    @Test
    void blake3HashVectors() {
        HashService s = hashService();
        if (!s.algorithms().contains(HashAlgorithm.BLAKE3)) {
            return; // servesBlake3OrRejectsIt covers this provider
        }
        Vectors.Failures f = new Vectors.Failures("BLAKE3 hash");
        for (JsonNode c : cases()) {
            int len = Vectors.integer(c, "input_len");
            byte[] expected = Vectors.hex(c, "hash");
            checkAllWays(() -> s.newHasher(HashAlgorithm.BLAKE3), input(len), expected, "hash, input_len " + len, f);
            try {
                byte[] oneShot = s.hash(HashAlgorithm.BLAKE3, input(len));
                if (!Arrays.equals(Arrays.copyOf(expected, 32), oneShot)) {
                    f.add("hash, input_len " + len + ": one-shot hash() differs");
                }
            } catch (RuntimeException e) {
                f.add("hash, input_len " + len + ": one-shot hash()", e);
            }
        }
        f.assertNone(35);
    }

    @Test
    void blake3KeyedHashVectors() {
        HashService s = hashService();
        if (!s.algorithms().contains(HashAlgorithm.BLAKE3)) {
            return;
        }
        byte[] key = blake3Key();
        Vectors.Failures f = new Vectors.Failures("BLAKE3 keyed_hash");
        for (JsonNode c : cases()) {
            int len = Vectors.integer(c, "input_len");
            checkAllWays(() -> s.newBlake3Keyed(key), input(len), Vectors.hex(c, "keyed_hash"),
                    "keyed_hash, input_len " + len, f);
        }
        f.assertNone(35);
    }

    @Test
    void blake3DeriveKeyVectors() {
        HashService s = hashService();
        if (!s.algorithms().contains(HashAlgorithm.BLAKE3)) {
            return;
        }
        String context = blake3Context();
        Vectors.Failures f = new Vectors.Failures("BLAKE3 derive_key");
        for (JsonNode c : cases()) {
            int len = Vectors.integer(c, "input_len");
            checkAllWays(() -> s.newBlake3DeriveKey(context), input(len), Vectors.hex(c, "derive_key"),
                    "derive_key, input_len " + len, f);
        }
        f.assertNone(35);
    }

    @Test
    void keyArrayMayBeChangedAfterCreatingTheHasher() {
        HashService s = hashService();
        if (!s.algorithms().contains(HashAlgorithm.BLAKE3)) {
            return;
        }
        JsonNode c = cases().get(cases().size() / 2);
        byte[] key = blake3Key();
        Hasher h = s.newBlake3Keyed(key);
        Arrays.fill(key, (byte) 0);
        byte[] in = input(Vectors.integer(c, "input_len"));
        assertArrayEquals(Arrays.copyOf(Vectors.hex(c, "keyed_hash"), 32), h.update(in).digest(),
                "a keyed hasher must copy (or consume) its key when created");
    }

    /**
     * Checks one vector: default output, full extended output, prefixes, the input fed whole, in odd
     * chunks through {@code update(byte[], int, int)} at an offset into a larger array, and through heap
     * and direct {@link ByteBuffer}s.
     */
    private static void checkAllWays(Supplier<Hasher> factory, byte[] in, byte[] expectedFull, String what,
            Vectors.Failures f) {
        f.checked();
        try {
            assertEquals(FULL, expectedFull.length, "vector output length");
            byte[] expected32 = Arrays.copyOf(expectedFull, 32);

            Hasher h = factory.get();
            assertSame(HashAlgorithm.BLAKE3, h.algorithm(), "hasher algorithm");
            expect(f, what, "digest() of whole input", expected32, h.update(in).digest());
            expect(f, what, "digest(131) of whole input", expectedFull, factory.get().update(in).digest(FULL));
            for (int n : new int[] {1, 31, 33, 64, 65, 130}) {
                expect(f, what, "digest(" + n + ")", Arrays.copyOf(expectedFull, n), factory.get().update(in).digest(n));
            }

            // odd-sized chunks from inside a larger array (offset 5, junk around the input)
            byte[] padded = new byte[in.length + 10];
            Arrays.fill(padded, (byte) 0xA5);
            System.arraycopy(in, 0, padded, 5, in.length);
            Hasher chunked = factory.get();
            int pos = 0;
            int k = 0;
            while (pos < in.length) {
                int n = Math.min(CHUNKS[k++ % CHUNKS.length], in.length - pos);
                chunked.update(padded, 5 + pos, n);
                pos += n;
            }
            chunked.update(padded, 5 + in.length, 0); // empty update at the end of the input is harmless
            expect(f, what, "odd chunks via update(byte[],off,len)", expectedFull, chunked.digest(FULL));

            // heap buffer: a slice with a non-zero array offset and position
            ByteBuffer heap = ByteBuffer.wrap(padded, 3, in.length + 2).slice();
            heap.position(2);
            Hasher hh = factory.get().update(heap);
            assertEquals(heap.limit(), heap.position(), what + ": update(ByteBuffer) must consume the heap buffer");
            expect(f, what, "heap ByteBuffer", expectedFull, hh.digest(FULL));

            // direct buffer, fed in odd chunks by moving the limit
            ByteBuffer direct = ByteBuffer.allocateDirect(in.length + 7);
            direct.position(7);
            direct.put(in);
            direct.position(7);
            Hasher hd = factory.get();
            int lim = 7;
            k = 0;
            while (lim < direct.capacity()) {
                lim = Math.min(direct.capacity(), lim + CHUNKS[k++ % CHUNKS.length]);
                direct.limit(lim);
                hd.update(direct);
                if (direct.hasRemaining()) {
                    f.add(what + ": update(ByteBuffer) left direct buffer bytes unconsumed");
                    return;
                }
            }
            expect(f, what, "direct ByteBuffer in chunks", expectedFull, hd.digest(FULL));
        } catch (Throwable t) {
            f.add(what, t);
        }
    }

    private static void expect(Vectors.Failures f, String what, String how, byte[] expected, byte[] actual) {
        if (!Arrays.equals(expected, actual)) {
            f.add(what + ": " + how + " gave " + Vectors.toHex(actual) + ", expected " + Vectors.toHex(expected));
        }
    }

    // ---------------------------------------------------------------------------------- reset / reuse

    @Test
    void digestResetsAndTheHasherCanBeReused() {
        HashService s = hashService();
        if (!s.algorithms().contains(HashAlgorithm.BLAKE3)) {
            return;
        }
        List<JsonNode> cases = cases();
        JsonNode a = cases.get(3);
        JsonNode b = cases.get(cases.size() - 3);
        byte[] inA = input(Vectors.integer(a, "input_len"));
        byte[] inB = input(Vectors.integer(b, "input_len"));
        byte[] key = blake3Key();
        String ctx = blake3Context();
        for (String[] mode : new String[][] {{"hash", "plain"}, {"keyed_hash", "keyed"}, {"derive_key", "derive"}}) {
            Supplier<Hasher> factory = switch (mode[1]) {
                case "plain" -> () -> s.newHasher(HashAlgorithm.BLAKE3);
                case "keyed" -> () -> s.newBlake3Keyed(key);
                default -> () -> s.newBlake3DeriveKey(ctx);
            };
            byte[] expA = Vectors.hex(a, mode[0]);
            byte[] expB = Vectors.hex(b, mode[0]);
            Hasher h = factory.get();
            assertArrayEquals(Arrays.copyOf(expA, 32), h.update(inA).digest(), mode[1] + ": first digest");
            assertArrayEquals(Arrays.copyOf(expA, 32), h.update(inA).digest(),
                    mode[1] + ": the same hasher must give the same result twice (digest() resets, keeping key/context)");
            assertArrayEquals(expB, h.update(inB).digest(FULL), mode[1] + ": digest(131) after digest()");
            assertArrayEquals(Arrays.copyOf(expA, 32), h.update(inA).digest(), mode[1] + ": digest() after digest(131)");
            h.update(inB);
            h.reset();
            assertArrayEquals(Arrays.copyOf(expA, 32), h.update(inA).digest(),
                    mode[1] + ": reset() discards the input so far, keeping key/context");
            h.reset();
            assertArrayEquals(Arrays.copyOf(Vectors.hex(cases.get(0), mode[0]), 32), h.digest(),
                    mode[1] + ": digest() of no input equals the empty-input vector");
        }
    }

    // ------------------------------------------------------------------------------------------- SHA-2

    // FIPS 180-2 appendix examples
    private static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final String SHA256_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String SHA256_TWO_BLOCK = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
    private static final String SHA256_MILLION_A = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    private static final String SHA512_ABC = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
    private static final String SHA512_EMPTY = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
            + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";
    private static final String SHA512_MILLION_A = "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
            + "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b";

    @Test
    void sha256KnownAnswersOrRejected() {
        HashService s = hashService();
        if (!s.algorithms().contains(HashAlgorithm.SHA_256)) {
            assertThrows(IllegalArgumentException.class, () -> s.newHasher(HashAlgorithm.SHA_256),
                    "a provider not serving SHA-256 must reject it");
            assertThrows(IllegalArgumentException.class, () -> s.hash(HashAlgorithm.SHA_256, new byte[1]));
            return;
        }
        assertArrayEquals(Vectors.hex(SHA256_ABC), s.hash(HashAlgorithm.SHA_256, ascii("abc")));
        assertArrayEquals(Vectors.hex(SHA256_EMPTY), s.hash(HashAlgorithm.SHA_256, new byte[0]));
        assertArrayEquals(Vectors.hex(SHA256_TWO_BLOCK),
                s.hash(HashAlgorithm.SHA_256, ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")));
        assertArrayEquals(Vectors.hex(SHA256_MILLION_A), millionA(s.newHasher(HashAlgorithm.SHA_256)));
        checkSha2Hasher(s, HashAlgorithm.SHA_256, SHA256_ABC);
    }

    @Test
    void sha512KnownAnswersOrRejected() {
        HashService s = hashService();
        if (!s.algorithms().contains(HashAlgorithm.SHA_512)) {
            assertThrows(IllegalArgumentException.class, () -> s.newHasher(HashAlgorithm.SHA_512),
                    "a provider not serving SHA-512 must reject it");
            return;
        }
        assertArrayEquals(Vectors.hex(SHA512_ABC), s.hash(HashAlgorithm.SHA_512, ascii("abc")));
        assertArrayEquals(Vectors.hex(SHA512_EMPTY), s.hash(HashAlgorithm.SHA_512, new byte[0]));
        assertArrayEquals(Vectors.hex(SHA512_MILLION_A), millionA(s.newHasher(HashAlgorithm.SHA_512)));
        checkSha2Hasher(s, HashAlgorithm.SHA_512, SHA512_ABC);
    }

    private static void checkSha2Hasher(HashService s, HashAlgorithm alg, String abcHex) {
        Hasher h = s.newHasher(alg);
        assertSame(alg, h.algorithm());
        assertArrayEquals(Vectors.hex(abcHex), h.update(ascii("a")).update(ascii("bc")).digest());
        assertArrayEquals(Vectors.hex(abcHex), h.update(ascii("abc")).digest(), "digest() resets");
        h.update(ascii("xyz"));
        h.reset();
        assertArrayEquals(Vectors.hex(abcHex), h.update(ascii("abc")).digest(alg.digestLength()), "reset()");
        assertThrows(IllegalArgumentException.class, () -> s.newHasher(alg).digest(alg.digestLength() - 1),
                alg.id() + " is not extendable");
        assertThrows(IllegalArgumentException.class, () -> s.newHasher(alg).digest(alg.digestLength() + 1),
                alg.id() + " is not extendable");
    }

    private static byte[] millionA(Hasher h) {
        byte[] block = new byte[1000];
        Arrays.fill(block, (byte) 'a');
        for (int i = 0; i < 1000; i++) {
            h.update(block);
        }
        return h.digest();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // -------------------------------------------------------------------------------- argument errors

    @Test
    void keyedHashNeedsA32ByteKey() {
        HashService s = hashService();
        for (int n : new int[] {0, 16, 31, 33, 64}) {
            assertThrows(IllegalArgumentException.class, () -> s.newBlake3Keyed(new byte[n]), n + "-byte key");
        }
        Throwable t = assertThrows(Throwable.class, () -> s.newBlake3Keyed(null));
        assertTrue(t instanceof IllegalArgumentException || t instanceof NullPointerException,
                "a null key: IllegalArgumentException or NullPointerException, got " + t);
    }

    @Test
    void deriveKeyContextRules() {
        HashService s = hashService();
        assertThrows(IllegalArgumentException.class, () -> s.newBlake3DeriveKey(""), "empty context");
        assertThrows(IllegalArgumentException.class, () -> s.newBlake3DeriveKey(null), "null context");
        assertThrows(IllegalArgumentException.class, () -> s.newBlake3DeriveKey("app\u0000v1"), "context with U+0000");
        assertThrows(IllegalArgumentException.class, () -> s.newBlake3DeriveKey("\u0000"), "context U+0000");
        assertThrows(IllegalArgumentException.class, () -> s.newBlake3DeriveKey("bad \uD800 surrogate"),
                "unpaired surrogate");
        assertThrows(IllegalArgumentException.class, () -> s.newBlake3DeriveKey("x".repeat(1025)),
                "context longer than 1024 UTF-8 bytes");
        if (s.algorithms().contains(HashAlgorithm.BLAKE3)) {
            // the limits themselves are accepted, and so are non-ASCII contexts (hashed as UTF-8)
            assertEquals(32, s.newBlake3DeriveKey("x".repeat(1024)).digest().length);
            assertEquals(32, s.newBlake3DeriveKey("x".repeat(1021) + "\u4e2d").digest().length, "1024 UTF-8 bytes");
            assertThrows(IllegalArgumentException.class, () -> s.newBlake3DeriveKey("x".repeat(1022) + "\u4e2d"),
                    "1025 UTF-8 bytes");
            assertEquals(32, s.newBlake3DeriveKey("AetherCore 2026 caf\u00e9 \u4e2d").digest().length);
            // characters outside the BMP: a provider that cannot hash them exactly as UTF-8 (JNI passes
            // modified UTF-8) must refuse them rather than derive a different key
            Throwable t = Tck.thrownBy(() -> assertEquals(32, s.newBlake3DeriveKey("AetherCore \uD83D\uDE00").digest().length));
            assertTrue(t == null || t instanceof IllegalArgumentException, "a supplementary character: a key or"
                    + " IllegalArgumentException, got " + t);
        }
    }

    @Test
    void outputLengthMustBePositive() {
        HashService s = hashService();
        if (!s.algorithms().contains(HashAlgorithm.BLAKE3)) {
            return;
        }
        Hasher h = s.newHasher(HashAlgorithm.BLAKE3);
        assertThrows(IllegalArgumentException.class, () -> h.digest(0));
        assertThrows(IllegalArgumentException.class, () -> h.digest(-1));
        assertThrows(IllegalArgumentException.class, () -> h.digest(Integer.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> s.newBlake3Keyed(blake3Key()).digest(0));
        assertThrows(IllegalArgumentException.class, () -> s.newBlake3DeriveKey("ctx").digest(0));
        // a long output is fine (extendable output)
        byte[] longOut = s.newHasher(HashAlgorithm.BLAKE3).digest(4096 + 3);
        assertArrayEquals(Arrays.copyOf(Vectors.hex(cases().get(0), "hash"), FULL), Arrays.copyOf(longOut, FULL));
    }

    @Test
    void outOfRangeUpdatesThrowIndexOutOfBoundsAndConsumeNothing() {
        HashService s = hashService();
        HashAlgorithm alg = s.algorithms().iterator().next();
        byte[] data = input(100);
        Hasher h = s.newHasher(alg);
        assertThrows(IndexOutOfBoundsException.class, () -> h.update(data, -1, 1), "negative offset");
        assertThrows(IndexOutOfBoundsException.class, () -> h.update(data, 0, 101), "length beyond the end");
        assertThrows(IndexOutOfBoundsException.class, () -> h.update(data, 100, 1), "offset at the end");
        assertThrows(IndexOutOfBoundsException.class, () -> h.update(data, 101, 0), "offset beyond the end");
        assertThrows(IndexOutOfBoundsException.class, () -> h.update(data, 2, -1), "negative length");
        assertThrows(IndexOutOfBoundsException.class, () -> h.update(data, 50, Integer.MAX_VALUE), "int overflow");
        assertThrows(NullPointerException.class, () -> h.update((byte[]) null, 0, 0), "null array");
        // nothing of the rejected calls was hashed
        assertArrayEquals(s.hash(alg, data), h.update(data).digest(), "rejected updates must not change the state");
    }

    @Test
    void hasherReportsItsProvider() {
        HashService s = hashService();
        for (HashAlgorithm a : s.algorithms()) {
            Hasher h = s.newHasher(a);
            assertSame(a, h.algorithm());
            assertEquals(s.provider(), h.provider(), "hasher provider name");
            assertEquals(a.digestLength(), h.digest().length);
        }
    }

    // ---------------------------------------------------------------------------------- thread safety

    @Test
    void serviceIsThreadSafe() throws Exception {
        HashService s = hashService();
        List<JsonNode> cases = cases();
        JsonNode big = cases.get(cases.size() - 1); // the longest input
        byte[] in = input(Vectors.integer(big, "input_len"));
        byte[] key = blake3Key();
        String ctx = blake3Context();
        boolean blake3 = s.algorithms().contains(HashAlgorithm.BLAKE3);
        HashAlgorithm plain = blake3 ? HashAlgorithm.BLAKE3 : s.algorithms().iterator().next();
        byte[] expectedPlain = blake3 ? Vectors.hex(big, "hash") : s.hash(plain, in);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<byte[]>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<List<byte[]>> job = () -> {
                    start.await();
                    List<byte[]> out = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        Hasher h = s.newHasher(plain);
                        out.add(blake3 ? h.update(in).digest(FULL) : h.update(in).digest());
                        if (blake3) {
                            out.add(s.newBlake3Keyed(key).update(in).digest(FULL));
                            out.add(s.newBlake3DeriveKey(ctx).update(in).digest(FULL));
                        }
                    }
                    return out;
                };
                results.add(pool.submit(job));
            }
            start.countDown();
            for (Future<List<byte[]>> r : results) {
                List<byte[]> out = r.get(60, TimeUnit.SECONDS);
                for (int i = 0; i < out.size(); i++) {
                    byte[] expected = !blake3 ? expectedPlain
                            : switch (i % 3) {
                                case 0 -> expectedPlain;
                                case 1 -> Vectors.hex(big, "keyed_hash");
                                default -> Vectors.hex(big, "derive_key");
                            };
                    assertArrayEquals(expected, out.get(i), "concurrent result " + i);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
