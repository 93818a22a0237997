package io.aethercore.crypto.blake3.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.Hasher;
import io.aethercore.tck.HashServiceContract;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The native provider passes the same contract as every hash provider, plus its own JNI edge cases. */
class NativeBlake3HashingTest extends HashServiceContract {

    private static final NativeBlake3Hashing NATIVE = NativeBlake3Hashing.create();

    @Override
    protected HashService hashService() {
        return NATIVE;
    }

    @Test
    void servesBlake3OnlyAndSaysWho() {
        assertEquals(java.util.Set.of(HashAlgorithm.BLAKE3), NATIVE.algorithms());
        assertEquals("blake3-native", NATIVE.newHasher(HashAlgorithm.BLAKE3).provider());
    }

    /** Slices at and around the internal JNI slice size, at offsets, must not change the digest. */
    @Test
    void slicingAtAnyOffsetGivesTheOneShotDigest() {
        byte[] data = new byte[3 * NativeBlake3Hashing.SLICE + 17];
        new Random(42).nextBytes(data);
        byte[] whole = NATIVE.hash(HashAlgorithm.BLAKE3, data);
        int[] cuts = {0, 1, NativeBlake3Hashing.SLICE - 1, NativeBlake3Hashing.SLICE, NativeBlake3Hashing.SLICE + 1,
            2 * NativeBlake3Hashing.SLICE + 5, data.length};
        for (int cut : cuts) {
            Hasher h = NATIVE.newHasher(HashAlgorithm.BLAKE3);
            h.update(data, 0, cut).update(data, cut, data.length - cut);
            assertArrayEquals(whole, h.digest(), "cut at " + cut);
        }
    }

    @Test
    void rejectsLengthsTheJniWouldTrustBlindly() {
        Hasher h = NATIVE.newHasher(HashAlgorithm.BLAKE3);
        byte[] data = new byte[10];
        assertThrows(IndexOutOfBoundsException.class, () -> h.update(data, 5, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> h.update(data, -1, 2));
        assertThrows(IllegalArgumentException.class, () -> NATIVE.newBlake3Keyed(new byte[16]));
    }

    @Test
    void refusesContextsThatJniWouldEncodeDifferently() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NATIVE.newBlake3DeriveKey("context \uD83D\uDE00"));
        assertTrue(e.getMessage().contains("Basic Multilingual Plane"), e.getMessage());
    }

    @Test
    void manyAbandonedHashersAreFreedWithoutHarm() {
        for (int i = 0; i < 200_000; i++) {
            NATIVE.newHasher(HashAlgorithm.BLAKE3).update(new byte[1]);
        }
        System.gc();
        assertEquals(32, NATIVE.hash(HashAlgorithm.BLAKE3, new byte[0]).length);
    }
}
