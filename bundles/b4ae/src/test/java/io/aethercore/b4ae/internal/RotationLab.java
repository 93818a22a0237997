package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.DatagramTransport;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import io.aethercore.crypto.internal.SoftwareKeyCustody;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Test fixture for identity-key rotation: a node with its own custody, state directory and clock. */
final class RotationLab {

    private RotationLab() {}

    /** A clock the test moves. */
    static final class FakeClock extends Clock {
        private volatile Instant now;

        FakeClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** A node that rotates: its engine, rotation, custody and state directory. */
    record Rotating(B4aeEngine engine, KeyRotation rotation, KeyCustody custody, Path dir, PinnedTrustStore trust,
                    B4aeSettings settings) {

        Path generationFile() {
            return KeyGeneration.file(dir, settings.name());
        }
    }

    static KeyCustody custody() throws Exception {
        return new SoftwareKeyCustody("software", Files.createTempDirectory("b4ae-rotate-custody"), null,
                new SecureRandom());
    }

    /**
     * Starts (or restarts, on the same custody and directory) node {@code name} as the endpoint does: the
     * generation file decides which keys the engine gets.
     */
    static Rotating start(Nodes nodes, String name, KeyCustody custody, Path dir, DatagramTransport t,
                          B4aeSettings.Builder sb, Clock clock, PinnedTrustStore trust) throws Exception {
        B4aeSettings st = sb.name(name).build();
        KeyRotation.KeyFactory f = EndpointRotation.factory(custody, custody, st);
        KeyGeneration g = KeyRotation.load(KeyGeneration.file(dir, name), clock);
        B4aeEngine e = nodes.track(new B4aeEngine(Nodes.SUITE, f.create(g.generation()), trust, st, new SecureRandom()));
        KeyRotation r = new KeyRotation(e, f, KeyGeneration.file(dir, name), g, name, clock, () -> st);
        if (t != null) {
            e.setTransport(t);
        }
        return new Rotating(e, r, custody, dir, trust, st);
    }

    /** Pins {@code keys} for {@code peer} (valid from an hour ago) with its address. */
    static void pin(io.aethercore.api.b4ae.TrustStore store, String peer, StaticKeys keys, java.net.InetSocketAddress address) {
        Instant from = Instant.now().minusSeconds(3600);
        store.pin(peer, keys.x25519(), from);
        if (keys.mldsa() != null) {
            store.pin(peer, keys.mldsa(), from);
        }
        if (address != null) {
            store.setAddress(peer, address);
        }
    }

    static void await(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
