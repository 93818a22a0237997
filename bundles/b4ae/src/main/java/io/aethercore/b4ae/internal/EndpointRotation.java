package io.aethercore.b4ae.internal;

import io.aethercore.api.custody.KeyCustody;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OSGi endpoint's share of identity-key rotation, kept out of {@link ChannelHost}: the generation's keys
 * from the custodies ({@code <label>-g<n>}), the {@link KeyRotation} with its timer, and its publication in
 * {@link NodeWiring} for {@code aether:b4ae-rotate-keys}.
 */
final class EndpointRotation {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointRotation.class);

    private final KeyRotation rotation;
    private final ScheduledExecutorService timer;
    private final String node;

    private EndpointRotation(KeyRotation rotation, String node) {
        this.rotation = rotation;
        this.node = node;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "b4ae-rotation-" + node);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, 0, KeyRotation.RESEND.toMillis(), TimeUnit.MILLISECONDS);
        NodeWiring.bundle().publishRotation(node, rotation);
    }

    private void tick() {
        try {
            rotation.tick();
        } catch (RuntimeException e) {
            LOG.warn("B4AE '{}' key rotation timer: {}", node, e.toString(), e);
        }
    }

    /** Keys of generation n of the configured labels, in the custodies chosen for the endpoint. */
    static KeyRotation.KeyFactory factory(KeyCustody dh, KeyCustody sig, B4aeSettings cfg) {
        return new KeyRotation.KeyFactory() {
            @Override
            public StaticKeys create(int g) throws Exception {
                return new CustodyStaticKeys(dh, KeyGeneration.label(cfg.x25519Label(), g), sig,
                        KeyGeneration.label(cfg.mldsaLabel(), g));
            }

            @Override
            public StaticKeys existing(int g) throws Exception {
                return CustodyStaticKeys.existing(dh, KeyGeneration.label(cfg.x25519Label(), g), sig,
                        KeyGeneration.label(cfg.mldsaLabel(), g));
            }
        };
    }

    /** The generation file of an endpoint whose state lives in {@code dir} (null: in memory only). */
    static Path generationFile(Path dir, B4aeSettings cfg) {
        return KeyGeneration.file(dir, cfg.name());
    }

    static EndpointRotation start(B4aeEngine e, KeyRotation.KeyFactory f, Path dir, KeyGeneration g, B4aeSettings cfg,
                                  Supplier<B4aeSettings> settings) throws Exception {
        KeyRotation r = new KeyRotation(e, f, generationFile(dir, cfg), g, cfg.name(), Clock.systemUTC(), settings);
        return new EndpointRotation(r, cfg.name());
    }

    KeyRotation rotation() {
        return rotation;
    }

    /** A configuration update: auto_rotate switched on is checked at once. */
    void modified(B4aeSettings old, B4aeSettings now) {
        if (now.autoRotate() && !old.autoRotate()) {
            rotation.checkAutoNow();
            timer.execute(this::tick);
        }
    }

    /** Stops {@code r} (null: nothing to stop); returns null. */
    static EndpointRotation stop(EndpointRotation r) {
        if (r != null) {
            NodeWiring.bundle().withdrawRotation(r.node, r.rotation);
            r.timer.shutdownNow();
        }
        return null;
    }
}
