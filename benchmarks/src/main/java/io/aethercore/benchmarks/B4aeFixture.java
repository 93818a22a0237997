package io.aethercore.benchmarks;

import io.aethercore.api.b4ae.DatagramTransport;
import io.aethercore.b4ae.internal.B4aeEngine;
import io.aethercore.b4ae.internal.CustodyStaticKeys;
import io.aethercore.b4ae.internal.PinnedTrustStore;
import io.aethercore.b4ae.internal.StaticKeys;
import io.aethercore.b4ae.internal.Suite;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import io.aethercore.crypto.internal.BcAeads;
import io.aethercore.crypto.internal.BcHashing;
import io.aethercore.crypto.internal.BcKdf;
import io.aethercore.crypto.internal.BcKem;
import io.aethercore.crypto.internal.BcKeyAgreement;
import io.aethercore.crypto.internal.BcSignatures;
import io.aethercore.crypto.internal.SoftwareKeyCustody;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

/** Two B4AE identities ("alice", "bob") on the BouncyCastle providers and a software custody, pinned to each other. */
final class B4aeFixture implements AutoCloseable {

    final Suite suite;
    final Path dir;
    final StaticKeys alice;
    final StaticKeys bob;
    final PinnedTrustStore trustOfAlice = new PinnedTrustStore(Duration.ofDays(90), Duration.ofDays(7));
    final PinnedTrustStore trustOfBob = new PinnedTrustStore(Duration.ofDays(90), Duration.ofDays(7));

    B4aeFixture() throws Exception {
        this("bouncycastle");
    }

    /** @param hash {@code bouncycastle} or {@code native} (the BLAKE3 provider the distribution prefers) */
    B4aeFixture(String hash) throws Exception {
        io.aethercore.api.crypto.HashService h;
        if (hash.equals("native")) {
            h = io.aethercore.crypto.blake3.internal.NativeBlake3Hashing.create();
            if (h == null) {
                throw new IllegalStateException("native BLAKE3 unavailable: "
                        + io.aethercore.crypto.blake3.internal.NativeBlake3Hashing.unavailableReason());
            }
        } else {
            h = new BcHashing();
        }
        // DATA records on AES-256-GCM through the JDK (what the distribution negotiates on a CPU with AES
        // instructions), unless -Db4ae.transport=chacha20-poly1305
        boolean aes = !"chacha20-poly1305".equals(System.getProperty("b4ae.transport"));
        suite = new Suite(h, new BcKdf(), new BcAeads(), new BcKeyAgreement(), new BcKem(), new BcSignatures(),
                aes ? new io.aethercore.crypto.internal.JdkAeads() : null);
        dir = Files.createTempDirectory("aethercore-bench-b4ae-");
        SoftwareKeyCustody c = new SoftwareKeyCustody("bench", dir.resolve("keys"), null, new SecureRandom());
        alice = new CustodyStaticKeys(c, "alice-x25519", c, "alice-mldsa87");
        bob = new CustodyStaticKeys(c, "bob-x25519", c, "bob-mldsa87");
        Instant from = Instant.now().minusSeconds(60);
        trustOfAlice.pin("bob", bob.x25519(), from);
        trustOfAlice.pin("bob", bob.mldsa(), from);
        trustOfBob.pin("alice", alice.x25519(), from);
        trustOfBob.pin("alice", alice.mldsa(), from);
    }

    /** Two engines on the given transports, alice knowing bob's address. */
    B4aeEngine[] engines(DatagramTransport ta, DatagramTransport tb) {
        B4aeSettings s = B4aeSettings.builder().bloomFilterSize(100_000).handshakeRetryMs(2000).build();
        B4aeEngine a = new B4aeEngine(suite, alice, trustOfAlice, s, new SecureRandom());
        B4aeSettings s2 = B4aeSettings.builder().bloomFilterSize(100_000).build();
        B4aeEngine b = new B4aeEngine(suite, bob, trustOfBob, s2, new SecureRandom());
        a.setTransport(ta);
        b.setTransport(tb);
        trustOfAlice.setAddress("bob", tb.localAddress());
        trustOfBob.setAddress("alice", ta.localAddress());
        return new B4aeEngine[] {a, b};
    }

    @Override
    public void close() throws Exception {
        BenchData.deleteTree(dir);
    }
}
