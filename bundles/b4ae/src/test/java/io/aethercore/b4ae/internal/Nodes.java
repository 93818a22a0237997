package io.aethercore.b4ae.internal;

import io.aethercore.b4ae.internal.config.B4aeSettings;
import io.aethercore.api.b4ae.DatagramTransport;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.crypto.internal.BcAeads;
import io.aethercore.crypto.internal.BcHashing;
import io.aethercore.crypto.internal.BcKdf;
import io.aethercore.crypto.internal.BcKem;
import io.aethercore.crypto.internal.BcKeyAgreement;
import io.aethercore.crypto.internal.BcSignatures;
import io.aethercore.crypto.internal.SoftwareKeyCustody;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Test fixture: B4AE nodes on the BouncyCastle providers with software custody, pinned to each other. */
final class Nodes implements AutoCloseable {

    static final Suite SUITE = new Suite(new BcHashing(), new BcKdf(), new BcAeads(), new BcKeyAgreement(),
            new BcKem(), new BcSignatures());
    /** The same, plus the JDK's AES-256-GCM for DATA records (§5.6). */
    static final Suite SUITE_AES = new Suite(new BcHashing(), new BcKdf(), new BcAeads(), new BcKeyAgreement(),
            new BcKem(), new BcSignatures(), new io.aethercore.crypto.internal.JdkAeads());
    private final Map<String, Suite> suites = new ConcurrentHashMap<>();
    private static final Map<String, StaticKeys> KEYS = new ConcurrentHashMap<>();

    final List<AutoCloseable> closeables = new ArrayList<>();

    /** Keys are cached per name for the JVM (ML-DSA key generation is the slow part of setup). */
    static StaticKeys keys(String name) {
        return KEYS.computeIfAbsent(name, n -> {
            try {
                Path dir = Files.createTempDirectory("b4ae-keys-" + n);
                KeyCustody c = new SoftwareKeyCustody("software", dir, null, new SecureRandom());
                return new CustodyStaticKeys(c, "b4ae-x25519", c, "b4ae-mldsa87");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static B4aeSettings.Builder settings() {
        B4aeSettings.Builder s = B4aeSettings.builder();
        s.bloomFilterSize(10_000);
        s.handshakeRetryMs(500);
        s.tickMs(20);
        return s;
    }

    B4aeEngine node(String name, PinnedTrustStore trust, B4aeSettings.Builder settings) {
        B4aeEngine e = new B4aeEngine(suites.getOrDefault(name, SUITE), keys(name), trust, settings.build(),
                new SecureRandom());
        closeables.add(e);
        return e;
    }

    static PinnedTrustStore trust() {
        return new PinnedTrustStore(Duration.ofDays(90), Duration.ofDays(7));
    }

    /** Pins {@code name}'s keys in {@code store} (valid from an hour ago), with its address. */
    static void pin(PinnedTrustStore store, String name, InetSocketAddress address) {
        StaticKeys k = keys(name);
        Instant from = Instant.now().minusSeconds(3600);
        store.pin(name, k.x25519(), from);
        if (k.mldsa() != null) {
            store.pin(name, k.mldsa(), from);
        }
        if (address != null) {
            store.setAddress(name, address);
        }
    }

    /** The suite node {@code name} starts with (default {@link #SUITE}). */
    Nodes suite(String name, Suite s) {
        suites.put(name, s);
        return this;
    }

    <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    static InetSocketAddress mem(int n) {
        return new InetSocketAddress("10.0.0." + n, 4000);
    }

    /** Two nodes "alice" and "bob" pinned to each other on a transport pair. */
    record Pair(B4aeEngine alice, B4aeEngine bob, InetSocketAddress aliceAddr, InetSocketAddress bobAddr) {}

    Pair pair(DatagramTransport ta, DatagramTransport tb, B4aeSettings.Builder sa, B4aeSettings.Builder sb) {
        PinnedTrustStore trustA = trust();
        PinnedTrustStore trustB = trust();
        pin(trustA, "bob", tb.localAddress());
        pin(trustB, "alice", ta.localAddress());
        B4aeEngine a = node("alice", trustA, sa);
        B4aeEngine b = node("bob", trustB, sb);
        a.setTransport(ta);
        b.setTransport(tb);
        return new Pair(a, b, ta.localAddress(), tb.localAddress());
    }

    Pair memoryPair(InMemoryNetwork net) {
        return pair(track(net.endpoint(mem(1))), track(net.endpoint(mem(2))), settings(), settings());
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    static Mode[] modes() {
        return Mode.values();
    }
}
