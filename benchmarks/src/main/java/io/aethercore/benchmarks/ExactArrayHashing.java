package io.aethercore.benchmarks;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.Hasher;
import java.util.Arrays;
import java.util.Set;

/**
 * An experiment, not a provider: wraps a {@link HashService} so that every {@code update} of a
 * sub-range of up to 4 KiB is first copied into an array of exactly that length. With the native
 * BLAKE3 provider this avoids its 64 KiB scratch-buffer path for the small sub-ranges that the
 * Merkle log's {@code TreeHasher.leaf} passes (see {@link Blake3SubRangeBench}), and so shows what
 * an append would cost if the provider (or TreeHasher) did this itself. Provider name in the
 * benchmarks: {@code native-exact}.
 */
final class ExactArrayHashing implements HashService {

    private static final int COPY_MAX = 4096;

    private final HashService delegate;

    ExactArrayHashing(HashService delegate) {
        this.delegate = delegate;
    }

    @Override
    public String provider() {
        return delegate.provider() + "+exact-array";
    }

    @Override
    public Set<HashAlgorithm> algorithms() {
        return delegate.algorithms();
    }

    @Override
    public Hasher newHasher(HashAlgorithm algorithm) {
        return new Exact(delegate.newHasher(algorithm));
    }

    @Override
    public Hasher newBlake3Keyed(byte[] key) {
        return new Exact(delegate.newBlake3Keyed(key));
    }

    @Override
    public Hasher newBlake3DeriveKey(String context) {
        return new Exact(delegate.newBlake3DeriveKey(context));
    }

    private static final class Exact implements Hasher {
        private final Hasher h;

        Exact(Hasher h) {
            this.h = h;
        }

        @Override
        public HashAlgorithm algorithm() {
            return h.algorithm();
        }

        @Override
        public String provider() {
            return h.provider();
        }

        @Override
        public Hasher update(byte[] data, int offset, int length) {
            if ((offset != 0 || length != data.length) && length <= COPY_MAX) {
                h.update(Arrays.copyOfRange(data, offset, offset + length));
            } else {
                h.update(data, offset, length);
            }
            return this;
        }

        @Override
        public byte[] digest(int length) {
            return h.digest(length);
        }

        @Override
        public void reset() {
            h.reset();
        }
    }
}
