package io.aethercore.crypto.blake3.internal;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.Hasher;
import java.lang.ref.Cleaner;
import java.util.EnumSet;
import java.util.Set;
import org.alephium.blake3jni.Blake3Jni;

/**
 * BLAKE3 (hash, keyed hash, derive key, extendable output) through the C reference implementation.
 * OSGi-free: {@link #create()} returns {@code null} where the native library cannot load.
 *
 * <p>The JNI layer takes whole arrays (no offset) and copies them in and out, and trusts every
 * length it is given. So this class checks all lengths in Java before calling, feeds slices through a
 * per-hasher scratch buffer, and serialises calls on one hasher (a concurrent misuse must not corrupt
 * native memory). Native state is freed by a {@link Cleaner} once the hasher is unreachable, never
 * explicitly, so that no call can ever touch freed memory — even one in flight while the bundle
 * stops.
 */
public final class NativeBlake3Hashing implements HashService {

    public static final String PROVIDER = "blake3-native";

    /** Slice size for sub-ranges and large arrays: bounds the scratch buffer of a hasher. */
    static final int SLICE = 64 * 1024;

    /**
     * Whole arrays up to this size go to the library in one call, without the scratch copy (12-18 %
     * faster at 1 MiB); beyond it one call got slower (JNI copies fall out of the caches), so larger
     * arrays are sliced. Measured in benchmarks/Blake3SliceBench, docs/PERFORMANCE.md.
     */
    static final int DIRECT_MAX = 1024 * 1024;

    private static final Set<HashAlgorithm> ALGORITHMS = EnumSet.of(HashAlgorithm.BLAKE3);
    private static final Cleaner CLEANER = Cleaner.create();

    private NativeBlake3Hashing() {}

    /** The provider, or {@code null} if the native library is not usable here ({@link #unavailableReason()}). */
    public static NativeBlake3Hashing create() {
        return NativeLibrary.available() ? new NativeBlake3Hashing() : null;
    }

    /** Why {@link #create()} returns {@code null}, in plain words; {@code null} when it does not. */
    public static String unavailableReason() {
        return NativeLibrary.unavailableReason();
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<HashAlgorithm> algorithms() {
        return ALGORITHMS;
    }

    @Override
    public Hasher newHasher(HashAlgorithm algorithm) {
        if (algorithm != HashAlgorithm.BLAKE3) {
            throw new IllegalArgumentException(PROVIDER + " serves BLAKE3 only, not " + algorithm.id());
        }
        return new NativeHasher(Mode.HASH, null, null);
    }

    @Override
    public Hasher newBlake3Keyed(byte[] key) {
        HashService.checkBlake3Key(key);
        return new NativeHasher(Mode.KEYED, key.clone(), null);
    }

    @Override
    public Hasher newBlake3DeriveKey(String context) {
        HashService.checkDeriveKeyContext(context); // no U+0000, valid UTF-16: JNI's modified UTF-8 then equals UTF-8
        if (context.codePoints().anyMatch(cp -> cp > 0xFFFF)) {
            // JNI hands the C library modified UTF-8, which encodes supplementary characters as two
            // 3-byte surrogates instead of one 4-byte sequence: the key would differ from other providers.
            throw new IllegalArgumentException(PROVIDER + " cannot take derive-key contexts with characters"
                    + " outside the Basic Multilingual Plane");
        }
        return new NativeHasher(Mode.DERIVE_KEY, null, context);
    }

    @Override
    public String toString() {
        return "HashService[" + PROVIDER + "]";
    }

    private enum Mode { HASH, KEYED, DERIVE_KEY }

    /** Frees the native hasher; holds no reference to the {@link NativeHasher}. */
    private record Free(long pointer) implements Runnable {
        @Override
        public void run() {
            Blake3Jni.delete_hasher(pointer);
        }
    }

    private static final class NativeHasher implements Hasher {
        private final Mode mode;
        private final byte[] key;
        private final String context;
        private final long pointer;
        private byte[] scratch;

        NativeHasher(Mode mode, byte[] key, String context) {
            this.mode = mode;
            this.key = key;
            this.context = context;
            long p = Blake3Jni.allocate_hasher();
            if (p == 0) {
                throw new OutOfMemoryError("native BLAKE3 hasher allocation failed");
            }
            this.pointer = p;
            CLEANER.register(this, new Free(p));
            init();
        }

        private void init() {
            switch (mode) {
                case HASH -> Blake3Jni.blake3_hasher_init(pointer);
                case KEYED -> Blake3Jni.blake3_hasher_init_keyed(pointer, key);
                case DERIVE_KEY -> Blake3Jni.blake3_hasher_init_derive_key(pointer, context);
            }
        }

        @Override
        public HashAlgorithm algorithm() {
            return HashAlgorithm.BLAKE3;
        }

        @Override
        public String provider() {
            return PROVIDER;
        }

        @Override
        public synchronized Hasher update(byte[] data, int offset, int length) {
            java.util.Objects.checkFromIndexSize(offset, length, data.length);
            if (offset == 0 && length == data.length && length <= DIRECT_MAX) {
                Blake3Jni.blake3_hasher_update(pointer, data, length);
            } else {
                // the binding copies the *whole* array it is given in and out of native memory, so
                // every array handed over is exactly as long as the bytes to hash
                int end = offset + length;
                for (int pos = offset; pos < end; pos += SLICE) {
                    int n = Math.min(SLICE, end - pos);
                    byte[] slice;
                    if (n == SLICE) {
                        if (scratch == null) {
                            scratch = new byte[SLICE];
                        }
                        slice = scratch;
                        System.arraycopy(data, pos, slice, 0, n);
                    } else {
                        slice = java.util.Arrays.copyOfRange(data, pos, pos + n);
                    }
                    Blake3Jni.blake3_hasher_update(pointer, slice, n);
                }
            }
            java.lang.ref.Reference.reachabilityFence(this);
            return this;
        }

        @Override
        public synchronized byte[] digest(int length) {
            Hasher.checkOutputLength(HashAlgorithm.BLAKE3, length);
            byte[] out = new byte[length];
            Blake3Jni.blake3_hasher_finalize(pointer, out, length);
            init();
            java.lang.ref.Reference.reachabilityFence(this);
            return out;
        }

        @Override
        public synchronized void reset() {
            init();
            java.lang.ref.Reference.reachabilityFence(this);
        }
    }
}
