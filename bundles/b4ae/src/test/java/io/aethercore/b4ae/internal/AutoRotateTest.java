package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.b4ae.internal.command.B4aeRotateKeysCommand;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** auto_rotate on a clock the test moves (no sleeping), and aether:b4ae-rotate-keys with --dry-run. */
class AutoRotateTest {

    private final Nodes nodes = new Nodes();
    private final RotationLab.FakeClock clock = new RotationLab.FakeClock(Instant.parse("2026-01-01T00:00:00Z"));

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    private RotationLab.Rotating node(B4aeSettings.Builder b) throws Exception {
        return RotationLab.start(nodes, "auto", RotationLab.custody(), dir, null, b, clock, Nodes.trust());
    }

    @Test
    void rotatesAtTheBoundaryNotBeforeAndAgainAfterTheNextPeriod() throws Exception {
        RotationLab.Rotating n = node(Nodes.settings().autoRotate(true).keyRotationDays(90).keyOverlapDays(7));
        KeyRotation r = n.rotation();
        r.tick();
        assertEquals(0, n.engine().keyGeneration());
        clock.advance(Duration.ofDays(90).minusSeconds(1));
        r.tick();
        assertEquals(0, n.engine().keyGeneration(), "one second before key_rotation_days: not yet");
        clock.advance(Duration.ofSeconds(1));
        r.tick();
        assertEquals(1, n.engine().keyGeneration(), "at the boundary");
        assertNotNull(n.engine().previousKeys());
        assertEquals(clock.instant().plus(Duration.ofDays(7)), r.state().previousUntil());

        clock.advance(Duration.ofDays(7));
        r.tick();
        assertNull(n.engine().previousKeys(), "overlap over");
        clock.advance(Duration.ofDays(83).minusSeconds(1));
        r.tick();
        assertEquals(1, n.engine().keyGeneration());
        clock.advance(Duration.ofSeconds(1));
        r.tick();
        assertEquals(2, n.engine().keyGeneration(), "90 days after generation 1 was made");
        assertTrue(Files.readString(n.generationFile()).contains("generation=2"));
    }

    @Test
    void offItNeverRotatesAndSwitchedOnItChecksAtOnce() throws Exception {
        AtomicReference<B4aeSettings> settings = new AtomicReference<>(Nodes.settings().name("auto").build());
        RotationLab.Rotating n = node(Nodes.settings());
        KeyRotation r = new KeyRotation(n.engine(), EndpointRotation.factory(n.custody(), n.custody(), settings.get()),
                n.generationFile(), r0(n), "auto", clock, settings::get);
        clock.advance(Duration.ofDays(200));
        r.tick();
        assertEquals(0, n.engine().keyGeneration(), "auto_rotate off");
        settings.set(settings.get().toBuilder().autoRotate(true).build());
        r.checkAutoNow();
        r.tick();
        assertEquals(1, n.engine().keyGeneration(), "switched on by a configuration update");
    }

    private static KeyGeneration r0(RotationLab.Rotating n) {
        return n.rotation().state();
    }

    @Test
    void theCommandsDryRunChangesNothing() throws Exception {
        RotationLab.Rotating n = node(Nodes.settings());
        NodeWiring wiring = new NodeWiring();
        wiring.publishRotation("auto", n.rotation());
        String before = Files.readString(n.generationFile());
        var x25519 = n.engine().staticKeys().x25519();

        String dry = run(wiring, "auto", true);
        assertTrue(dry.startsWith("dry run, nothing changed: node auto key generation 0 -> 1"), dry);
        assertTrue(dry.contains("peers to notify: none"), dry);
        assertEquals(before, Files.readString(n.generationFile()));
        assertEquals(x25519, n.engine().staticKeys().x25519());
        assertTrue(n.custody().find("b4ae-x25519-g1").isEmpty(), "no key was made");

        String done = run(wiring, null, false);                   // the only node
        assertTrue(done.startsWith("node auto key generation 0 -> 1"), done);
        assertTrue(done.contains(KeyRotation.fp(n.engine().staticKeys().x25519())), done);
        assertTrue(done.contains("generation 0 accepted until " + clock.instant().plus(Duration.ofDays(7))), done);
        assertEquals(1, n.engine().keyGeneration());
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> run(wiring, "other", true));
        assertTrue(none.getMessage().contains("no B4AE node 'other'"), none.getMessage());
        KeyRotation.RotationRefused again = assertThrows(KeyRotation.RotationRefused.class,
                () -> run(wiring, "auto", true));
        assertTrue(again.getMessage().contains("still accepted until"), again.getMessage());
    }

    private static String run(NodeWiring w, String node, boolean dryRun) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        B4aeRotateKeysCommand.run(w, node, dryRun, new PrintStream(b, true, StandardCharsets.UTF_8));
        return b.toString(StandardCharsets.UTF_8);
    }
}
