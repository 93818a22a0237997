package io.aethercore.b4ae.internal.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.b4ae.internal.scheduler.SchedulerSettings;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class B4aeConfigTest {

    private static String problems(Map<String, ?> props, Map<String, String> env) {
        return String.join("\n", assertThrows(B4aeConfigException.class, () -> B4aeConfig.parse(props, env)).problems());
    }

    @Test
    void defaultsAreTheDocumentsValues() {
        B4aeConfig c = B4aeConfig.defaults();
        assertEquals("2.0", c.protocolVersion());
        assertEquals(List.of("mode_a", "mode_b"), c.supportedModes());
        assertEquals("mode_b", c.preferredMode(), "ours, not the document's mode_a: post-quantum where both sides can (issue 17)");
        assertTrue(c.cookieSecretGenerated());
        assertEquals(32, c.cookieSecret().length);
        assertEquals(1_000_000, c.bloomFilterSize());
        assertEquals(30, c.cookieExpirySeconds());
        SchedulerSettings s = c.scheduler();
        assertEquals(100.0, s.targetRate());
        assertEquals(0.2, s.dummyRate());
        assertTrue(s.constantRate());
        assertEquals(5.0, s.maxQueueLatencyMs());
        assertEquals("balanced", s.profile());
        assertEquals(1024, c.minBucketSize());
        assertEquals(16384, c.maxBucketSize());
        assertEquals(2.0, c.bucketMultiplier());
        assertEquals(0.2, s.coverTrafficRate());
        assertEquals(50, s.timingDelayMinMs());
        assertEquals(500, s.timingDelayMaxMs());
        assertTrue(s.trafficShapingEnabled());
        assertEquals("/var/lib/b4ae/keys", c.keyStoragePath());
        assertFalse(c.hsmEnabled());
        assertEquals("B4AE", c.hsmToken());
        assertEquals(0, c.hsmPin().length);
        assertTrue(c.auditEnabled());
        assertEquals("syslog", c.auditSink());
        assertEquals("localhost:514", c.auditSyslogEndpoint());
        assertEquals("/var/log/b4ae/audit.log", c.auditFilePath());
        assertTrue(c.hashIdentities());
        assertTrue(c.metricsEnabled());
        assertEquals(9090, c.metricsPort());
        assertEquals("/metrics", c.metricsPath());
        assertEquals("0.0.0.0:4000", c.listenAddress());
        assertTrue(c.elaraEnabled());
        assertEquals(39, B4aeConfig.KEYS.size(), "the document's keys and ours, each with a default");
    }

    @Test
    void readsTypedAndStringValuesAsConfigAdminHandsThem() {
        Map<String, Object> p = new HashMap<>();
        p.put("authentication.supported_modes", new String[] {"mode_b"});
        p.put("authentication.preferred_mode", "mode_b");
        p.put("global_scheduler.target_rate", 250);
        p.put("global_scheduler.dummy_rate", "0.35");
        p.put("global_scheduler.constant_rate", Boolean.FALSE);
        p.put("padding.min_bucket_size", "512");
        p.put("monitoring.metrics_port", "19090");
        p.put("cookie_challenge.secret", "ab".repeat(32));
        p.put("service.pid", "io.aethercore.b4ae");
        p.put("global_scheduler.target_rat", "1");
        B4aeConfig c = B4aeConfig.parse(p, Map.of());
        assertEquals(List.of("mode_b"), c.supportedModes());
        assertEquals(250.0, c.scheduler().targetRate());
        assertEquals(0.35, c.scheduler().dummyRate());
        assertEquals("custom", c.scheduler().profile());
        assertFalse(c.scheduler().constantRate());
        assertEquals(512, c.padme().minBucket());
        assertEquals(19090, c.metricsPort());
        assertArrayEquals(HexFormat.of().parseHex("ab".repeat(32)), c.cookieSecret());
        assertEquals(List.of("unknown key global_scheduler.target_rat ignored"), c.warnings());
        assertFalse(c.toString().contains("abab"), "no secret in toString");
    }

    @Test
    void environmentOverridesConfiguration() {
        Map<String, Object> p = new HashMap<>();
        p.put("global_scheduler.target_rate", "100.0");               // as the document's file
        p.put("keys.hsm_token", "FromFile");
        Map<String, String> env = Map.of(
                "B4AE_MODE", "high_security",
                "B4AE_AUTH_MODE", "mode_b",
                "B4AE_DUMMY_RATE", "0.7",
                "B4AE_COOKIE_SECRET", "cd".repeat(32),
                "B4AE_HSM_ENABLED", "true",
                "B4AE_HSM_TOKEN", "Edge",
                "B4AE_HSM_PIN", "1234");
        B4aeConfig c = B4aeConfig.parse(p, env);
        assertEquals(10.0, c.scheduler().targetRate(), "B4AE_MODE's preset beats the file's target_rate");
        assertEquals(50.0, c.scheduler().maxQueueLatencyMs());
        assertEquals(0.7, c.scheduler().dummyRate(), "B4AE_DUMMY_RATE beats the preset");
        assertEquals("custom", c.scheduler().profile());
        assertEquals(List.of("mode_b"), c.supportedModes());
        assertEquals("mode_b", c.preferredMode());
        assertArrayEquals(HexFormat.of().parseHex("cd".repeat(32)), c.cookieSecret());
        assertTrue(c.hsmEnabled());
        assertEquals("Edge", c.hsmToken());
        assertEquals("1234", new String(c.hsmPin()));
        assertEquals("B4AE_HSM_TOKEN", c.source("keys.hsm_token"));
        assertFalse(c.toString().contains("1234"));

        B4aeConfig rate = B4aeConfig.parse(p, Map.of("B4AE_SCHEDULER_RATE", "500", "B4AE_MODE", "balanced",
                "B4AE_AUTH_MODE", "both"));
        assertEquals(500.0, rate.scheduler().targetRate());
        assertEquals(0.2, rate.scheduler().dummyRate());
        assertEquals(List.of("mode_a", "mode_b"), rate.supportedModes());
        assertEquals("balanced", B4aeConfig.parse(Map.of(), Map.of("B4AE_MODE", "balanced")).scheduler().profile());
        assertEquals(1000.0, B4aeConfig.parse(Map.of("global_scheduler.profile", "low_overhead"), Map.of())
                .scheduler().targetRate());
    }

    @Test
    void invalidValuesAreRefusedNamingKeyAndRange() {
        Map<String, Object> p = new HashMap<>();
        p.put("global_scheduler.target_rate", "5000");
        p.put("global_scheduler.dummy_rate", "1.5");
        p.put("padding.min_bucket_size", "abc");
        p.put("monitoring.metrics_port", "70000");
        p.put("monitoring.metrics_path", "metrics");
        p.put("audit.sink", "kafka");
        p.put("audit.syslog_endpoint", "localhost");
        p.put("authentication.supported_modes", "mode_c");
        p.put("cookie_challenge.expiry_seconds", "-1");
        p.put("metadata_protection.timing_delay_min_ms", "600");
        p.put("metadata_protection.timing_delay_max_ms", "500");
        p.put("keys.hsm_pin", "1234");
        p.put("global_scheduler.constant_rate", "yes");
        p.put("protocol.version", "1.0");
        String all = problems(p, Map.of());
        for (String expected : List.of(
                "global_scheduler.target_rate: '5000' is invalid; allowed: 10 to 1000",
                "global_scheduler.dummy_rate: '1.5' is invalid; allowed: 0 to 1",
                "padding.min_bucket_size: 'abc' is invalid; allowed: an integer from 64 to 65000",
                "monitoring.metrics_port: '70000' is invalid; allowed: 0 to 65535",
                "monitoring.metrics_path: 'metrics' is invalid",
                "audit.sink: 'kafka' is invalid; allowed: syslog, file, siem",
                "audit.syslog_endpoint: 'localhost' is invalid; allowed: host:port",
                "authentication.supported_modes: 'mode_c' is invalid",
                "cookie_challenge.expiry_seconds: '-1' is invalid; allowed: 1 to 3600",
                "metadata_protection.timing_delay_max_ms: '500' is invalid; allowed: timing_delay_min_ms (600) to 60000",
                "keys.hsm_pin: must not be stored in the configuration; set the environment variable B4AE_HSM_PIN",
                "global_scheduler.constant_rate: 'yes' is invalid; allowed: true, false",
                "protocol.version: '1.0' is invalid; allowed: 2.0")) {
            assertTrue(all.contains(expected), "missing: " + expected + "\nin:\n" + all);
        }
        String env = problems(Map.of(), Map.of("B4AE_SCHEDULER_RATE", "fast", "B4AE_MODE", "paranoid",
                "B4AE_COOKIE_SECRET", "short", "B4AE_AUTH_MODE", "mode_x", "B4AE_HSM_ENABLED", "maybe"));
        assertTrue(env.contains("global_scheduler.target_rate (from B4AE_SCHEDULER_RATE): 'fast' is invalid; allowed: a number from 10 to 1000"), env);
        assertTrue(env.contains("global_scheduler.profile (from B4AE_MODE): 'paranoid' is invalid; allowed: low_overhead, balanced, high_security"), env);
        assertTrue(env.contains("cookie_challenge.secret (from B4AE_COOKIE_SECRET): '(hidden, 5 chars)' is invalid; allowed: 64 hex digits"), env);
        assertTrue(env.contains("'mode_x' is invalid; allowed: mode_a, mode_b, both"), env);
        assertTrue(env.contains("keys.hsm_enabled (from B4AE_HSM_ENABLED): 'maybe' is invalid; allowed: true, false"), env);
        assertFalse(env.contains("short"), "the secret is never echoed");
        assertTrue(problems(Map.of("cookie_challenge.secret", B4aeConfig.DOCUMENT_EXAMPLE_SECRET), Map.of())
                .contains("the published example"));
        assertTrue(problems(Map.of("monitoring.tls_enabled", "true"), Map.of()).contains("monitoring.tls_keystore_path"));
        assertTrue(problems(Map.of("padding.min_bucket_size", "4096", "padding.max_bucket_size", "2048"), Map.of())
                .contains("padding.max_bucket_size: '2048' is invalid; allowed: min_bucket_size (4096) to 65000"));
    }
}
