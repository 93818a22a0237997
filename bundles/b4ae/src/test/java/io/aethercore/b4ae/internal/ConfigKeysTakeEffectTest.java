package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.b4ae.internal.config.B4aeConfig;
import io.aethercore.b4ae.internal.config.B4aeConfigException;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import io.aethercore.b4ae.internal.config.B4aeSettingsParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 9: configuration keys that were validated and then ignored either take effect or are refused
 * with a message naming the key; the troubleshooting section's scheduler names are accepted.
 */
class ConfigKeysTakeEffectTest {

    private static B4aeSettings parse(Map<String, Object> props, Map<String, String> env) {
        return B4aeSettingsParser.parse(props, env, false);
    }

    @Test
    void auditSinkKeysAreRefusedWithWhereToConfigureTheSink() {
        for (String key : List.of("audit.sink", "audit.syslog_endpoint", "audit.file_path")) {
            Object value = key.equals("audit.sink") ? "file" : key.equals("audit.file_path") ? "/tmp/x.log" : "10.0.0.9:514";
            B4aeConfigException e = assertThrows(B4aeConfigException.class,
                    () -> B4aeComponent.mainSettings(Map.of(key, value)));
            assertTrue(e.getMessage().contains(key + ": not used by B4AE"), e.getMessage());
            assertTrue(e.getMessage().contains("etc/io.aethercore.audit.sink."), e.getMessage());
        }
        assertTrue(parse(Map.of(), Map.of()).documentProblems().isEmpty(), "not given: nothing to refuse");
    }

    @Test
    void hsmEnabledChoosesThePkcs11CustodyOfTheToken() {
        B4aeSettings s = parse(Map.of("keys.hsm_enabled", "true", "keys.hsm_token", "Edge"), Map.of()).endpointOrThrow();
        assertEquals("pkcs11:Edge", s.x25519Custody());
        assertEquals("pkcs11:Edge", s.mldsaCustody());
        B4aeSettings env = parse(Map.of(), Map.of("B4AE_HSM_ENABLED", "true", "B4AE_HSM_TOKEN", "Field")).endpointOrThrow();
        assertEquals("pkcs11:Field", env.x25519Custody());
        B4aeSettings explicit = parse(Map.of("keys.hsm_enabled", "true", "x25519_custody", "tpm"), Map.of()).endpointOrThrow();
        assertEquals("tpm", explicit.x25519Custody(), "an explicit custody wins");
        assertEquals("pkcs11:B4AE", explicit.mldsaCustody(), "the document's default token");
        assertEquals("", parse(Map.of(), Map.of()).endpointOrThrow().x25519Custody(), "off: the best custody");
    }

    @Test
    void withHsmEnabledTheEndpointNeverFallsBackToSoftwareKeys() throws Exception {
        B4aeSettings s = ChannelHostTest.settings("h", List.of()).toBuilder()
                .x25519Custody(B4aeSettingsParser.parse(Map.of("keys.hsm_enabled", "true"), Map.of(), false)
                        .endpointOrThrow().x25519Custody())
                .build();
        ChannelHost h = new ChannelHost(null, s);
        try {
            h.activate();
            ChannelHostTest.bindCrypto(h);
            h.bindCustody(ChannelHostTest.custody(), Map.of());      // software only
            assertNull(h.engine(), "no channel with software keys when the HSM was asked for");
        } finally {
            h.deactivate();
        }
    }

    @Test
    void troubleshootingSchedulerNamesAreAccepted() {
        B4aeConfig c = parse(Map.of("target_rate_msgs_per_sec", "200", "global_scheduler.dummy_message_rate", "0.5"),
                Map.of()).documentOrThrow();
        assertEquals(200.0, c.scheduler().targetRate());
        assertEquals(0.5, c.scheduler().dummyRate());
        assertTrue(c.warnings().isEmpty(), "no 'unknown key' warning: " + c.warnings());
        B4aeConfigException conflict = assertThrows(B4aeConfigException.class, () -> parse(Map.of(
                "global_scheduler.target_rate", "100", "target_rate_msgs_per_sec", "300"), Map.of()).documentOrThrow());
        assertTrue(conflict.getMessage().contains("target_rate_msgs_per_sec"), conflict.getMessage());
    }

    @Test
    void autoRotateIsReadAndRotationMustOutlastTheOverlapAndCookieRotationIsRead() {
        assertTrue(parse(Map.of("keys.auto_rotate", "true"), Map.of()).endpointOrThrow().autoRotate());
        assertTrue(parse(Map.of("auto_rotate", "true"), Map.of()).endpointOrThrow().autoRotate());
        assertFalse(parse(Map.of(), Map.of()).endpointOrThrow().autoRotate(), "off by default");
        IllegalArgumentException word = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of("keys.auto_rotate", "yes"), Map.of()).endpointOrThrow());
        assertTrue(word.getMessage().contains("keys.auto_rotate"), word.getMessage());
        for (Map<String, Object> p : List.<Map<String, Object>>of(Map.of("key_rotation_days", "7", "key_overlap_days", "7"),
                Map.of("key_rotation_days", 5, "key_overlap_days", 9), Map.of("key_overlap_days", "90"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> parse(p, Map.of()).endpointOrThrow(), p.toString());
            assertTrue(e.getMessage().contains("key_rotation_days") && e.getMessage().contains("key_overlap_days"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of("key_rotation_days", "0"), Map.of()).endpointOrThrow());
        IllegalArgumentException modeA = assertThrows(IllegalArgumentException.class, () -> parse(Map.of(
                "auto_rotate", "true", "supported_modes", "mode_a"), Map.of()).endpointOrThrow());
        assertTrue(modeA.getMessage().contains("needs mode_b"), modeA.getMessage());
        assertEquals(24, parse(Map.of(), Map.of()).endpointOrThrow().cookieRotationHours());
        assertEquals(6, parse(Map.of("cookie_challenge.rotation_hours", "6"), Map.of()).endpointOrThrow()
                .cookieRotationHours());
        assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of("cookie_challenge.rotation_hours", "-1"), Map.of()).endpointOrThrow());
    }

    /** auto_rotate takes effect in the endpoint: a generation older than key_rotation_days is rotated at start. */
    @Test
    void autoRotateRotatesAnEndpointWhoseKeysAreDueAndOnlyThen() throws Exception {
        for (boolean auto : new boolean[] {true, false}) {
            Path dir = Files.createTempDirectory("b4ae-auto");
            Files.writeString(dir.resolve("key-generation-h.txt"), "generation=0\ncreated="
                    + Instant.now().minus(Duration.ofDays(91)) + "\n");
            B4aeSettings s = ChannelHostTest.settings("h", List.of()).toBuilder().stateDir(dir.toString())
                    .autoRotate(auto).build();
            ChannelHost h = new ChannelHost(null, s);
            try {
                h.activate();
                ChannelHostTest.bindCrypto(h);
                h.bindCustody(ChannelHostTest.custody(), Map.of());
                assertNotNull(h.engine());
                if (auto) {
                    RotationLab.await(() -> h.engine().keyGeneration() == 1, "the rotation at start");
                    assertTrue(Files.readString(dir.resolve("key-generation-h.txt")).contains("generation=1"));
                } else {
                    h.rotation().tick();
                    assertEquals(0, h.engine().keyGeneration(), "auto_rotate off: the keys stay");
                }
            } finally {
                h.deactivate();
            }
        }
    }
}
