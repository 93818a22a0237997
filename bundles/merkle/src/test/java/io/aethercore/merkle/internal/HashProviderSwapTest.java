package io.aethercore.merkle.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.Hasher;
import io.aethercore.api.crypto.ProviderUnavailableException;
import io.aethercore.api.merkle.Checkpoint;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.formats.merkle.MerkleProofs;
import io.aethercore.crypto.blake3.internal.NativeBlake3Hashing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BLAKE3 provider of a log changes under load (native library to BouncyCastle and back, as when
 * the native bundle is updated), and is briefly absent: the tree must not notice.
 */
class HashProviderSwapTest {

    static final int ENTRIES = 10_000;
    static final int APPENDERS = 2;

    @TempDir
    Path tmp;

    /** Counts the hashers a provider hands out, so that the test knows both providers were used. */
    static final class Counting implements HashService {
        final HashService delegate;
        final AtomicLong hashers = new AtomicLong();

        Counting(HashService delegate) {
            this.delegate = delegate;
        }

        @Override
        public String provider() {
            return delegate.provider();
        }

        @Override
        public Set<HashAlgorithm> algorithms() {
            return delegate.algorithms();
        }

        @Override
        public Hasher newHasher(HashAlgorithm algorithm) {
            hashers.incrementAndGet();
            return delegate.newHasher(algorithm);
        }

        @Override
        public Hasher newBlake3Keyed(byte[] key) {
            return delegate.newBlake3Keyed(key);
        }

        @Override
        public Hasher newBlake3DeriveKey(String context) {
            return delegate.newBlake3DeriveKey(context);
        }
    }

    static byte[] entry(int appender, int k) {
        return MerkleTestSupport.utf8("appender-" + appender + "-entry-" + k + "-" + "z".repeat((k * 31) % 300));
    }

    @Test
    void swappingProvidersUnderLoadKeepsTheTree() throws Exception {
        NativeBlake3Hashing nativeImpl = NativeBlake3Hashing.create();
        assertNotNull(nativeImpl, "the native BLAKE3 provider must load here: " + NativeBlake3Hashing.unavailableReason());
        Counting nat = new Counting(nativeImpl);
        Counting bc = new Counting(MerkleTestSupport.BC);
        AtomicReference<HashService> current = new AtomicReference<>(nat);
        AtomicInteger flips = new AtomicInteger();
        AtomicInteger gaps = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        VineLog.HashSource source = () -> {
            HashService s = current.get();
            if (s == null) {
                throw new ProviderUnavailableException("no BLAKE3 provider while the native bundle is updated");
            }
            return s;
        };
        Runnable flip = () -> {
            current.updateAndGet(s -> s == nat ? bc : s == bc ? nat : s);
            flips.incrementAndGet();
        };

        Path dir = tmp.resolve("swap");
        VineLog.Settings settings = MerkleTestSupport.settings("swap", HashAlgorithm.BLAKE3, dir, Durability.ASYNC, 2);
        MerkleHasher verifier = MerkleHasher.of(MerkleTestSupport.BC, HashAlgorithm.BLAKE3);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        try (VineLog log = VineLog.open(settings, source)) {
            List<Thread> threads = new ArrayList<>();
            for (int a = 0; a < APPENDERS; a++) {
                int appender = a;
                threads.add(new Thread(() -> {
                    try {
                        for (int k = 0; k < ENTRIES / APPENDERS; k++) {
                            byte[] e = entry(appender, k);
                            while (true) {
                                try {
                                    if (k % 10 == 0) {
                                        log.append(e, Durability.GROUP);
                                    } else {
                                        log.append(e);
                                    }
                                    break;
                                } catch (MerkleLogException ex) {
                                    assertTrue(ex.isRetryable(), ex.getMessage());
                                    retried.incrementAndGet();
                                    Thread.onSpinWait();
                                }
                            }
                            if (k % 300 == 299) {
                                flip.run();
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }, "appender-" + a));
            }
            // another thread flips too, every few hundred microseconds, and now and then leaves no provider at all
            threads.add(new Thread(() -> {
                Random rnd = new Random(11);
                try {
                    while (!done.get()) {
                        Thread.sleep(0, 200_000 + rnd.nextInt(400_000));
                        if (rnd.nextInt(20) == 0) {
                            HashService before = current.getAndSet(null);
                            gaps.incrementAndGet();
                            Thread.sleep(0, 100_000);
                            current.set(before);
                        } else {
                            flip.run();
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "flipper"));
            // a reader checks checkpoints and proofs all along
            threads.add(new Thread(() -> {
                Random rnd = new Random(12);
                try {
                    while (!done.get()) {
                        try {
                            Checkpoint cp = log.checkpoint();
                            if (cp.size() == 0) {
                                continue;
                            }
                            long i = rnd.nextLong(cp.size());
                            MerkleProofs.verifyInclusion(verifier, log.leafHash(i), log.inclusionProof(i, cp.size()), cp.root());
                            long old = rnd.nextLong(cp.size() + 1);
                            MerkleProofs.verifyConsistency(verifier, log.consistencyProof(old, cp.size()), log.rootAt(old),
                                    cp.root());
                        } catch (MerkleLogException e) {
                            assertTrue(e.isRetryable(), e.getMessage()); // no provider for a moment
                        } catch (IllegalStateException e) {
                            assertTrue(e.getCause() instanceof MerkleLogException m && m.isRetryable(), e.toString());
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "reader"));
            for (Thread t : threads) {
                t.start();
            }
            for (int a = 0; a < APPENDERS; a++) {
                threads.get(a).join(120_000);
            }
            done.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError("failures under swapping: " + failures.peek(), failures.peek());
                failures.forEach(e::addSuppressed);
                throw e;
            }
            current.set(nat);
            assertEquals(ENTRIES, log.size());

            // a log fed the same entries, in the same order, with BouncyCastle only
            List<byte[]> entries = new ArrayList<>();
            try (VineLog plain = VineLog.open(MerkleTestSupport.settings("plain", HashAlgorithm.BLAKE3, null,
                    Durability.SYNC, 2), () -> MerkleTestSupport.BC)) {
                for (long i = 0; i < ENTRIES; i++) {
                    byte[] e = log.entry(i);
                    entries.add(e);
                    plain.append(e);
                }
                assertArrayEquals(plain.root(), log.root());
                MerkleTestSupport.Reference ref = new MerkleTestSupport.Reference(verifier, entries);
                assertArrayEquals(ref.root(ENTRIES), log.root());
                for (long i = 0; i < ENTRIES; i++) {
                    assertArrayEquals(plain.leafHash(i), log.leafHash(i), "leaf hash " + i);
                    MerkleProofs.verifyInclusion(verifier, ref.leafHash((int) i), log.inclusionProof(i, ENTRIES), ref.root(ENTRIES));
                }
                for (int m = 0; m <= ENTRIES; m += 97) {
                    assertArrayEquals(plain.rootAt(m), log.rootAt(m));
                    MerkleProofs.verifyConsistency(verifier, log.consistencyProof(m, ENTRIES), ref.root(m), ref.root(ENTRIES));
                }
            }
        }
        assertTrue(flips.get() > 30 && gaps.get() > 0, "flips " + flips + ", gaps " + gaps);
        assertTrue(nat.hashers.get() > 0 && bc.hashers.get() > 0,
                "both providers hashed: native " + nat.hashers + ", BouncyCastle " + bc.hashers);
        System.out.printf("HashProviderSwapTest: %d flips, %d gaps, %d retried appends; hashers: native %d, BouncyCastle %d%n",
                flips.get(), gaps.get(), retried.get(), nat.hashers.get(), bc.hashers.get());

        // the files recover the same tree with either provider
        byte[] root;
        try (VineLog log = VineLog.open(settings, () -> nativeImpl)) {
            assertEquals(ENTRIES, log.size());
            root = log.root();
        }
        try (VineLog log = VineLog.open(settings, () -> MerkleTestSupport.BC)) {
            assertArrayEquals(root, log.root());
        }
    }
}
