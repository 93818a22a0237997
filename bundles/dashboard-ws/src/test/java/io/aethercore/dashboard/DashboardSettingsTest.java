package io.aethercore.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every key of {@code io.aethercore.dashboard} takes effect or is refused with a message naming it. */
class DashboardSettingsTest {

    @TempDir
    Path dir;

    private static String refusal(Map<String, ?> props) {
        return assertThrows(IllegalArgumentException.class, () -> DashboardSettings.parse(props)).getMessage();
    }

    @Test
    void defaultsAreThePlaybooks() {
        DashboardSettings s = DashboardSettings.parse(Map.of());
        assertEquals(8443, s.port());
        assertEquals("/mesh/health", s.wsPath());
        assertEquals(1, s.updateHz());
        assertEquals(10, s.sweepHz());
        assertEquals("localhost", s.rpId());
        assertNull(s.pinnedRoot());
        assertTrue(s.origins().contains("https://localhost:8443"), s.origins().toString());
    }

    @Test
    void thePlaybooksConfigJsonIsAccepted() throws Exception {
        Path root = Files.writeString(dir.resolve("trusted-root.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path json = Files.writeString(dir.resolve("config.json"), """
                {
                  "websocket": {
                    "url": "wss://sentinel.aethercore.local/mesh/health",
                    "tls": {
                      "pinned_cert": "%s",
                      "min_version": "TLSv1.3"
                    }
                  },
                  "update_frequency_hz": 1,
                  "aetheric_sweep_frequency_hz": 10
                }
                """.formatted(root));
        DashboardSettings s = DashboardSettings.parse(Map.of("config_json", json.toString()));
        assertEquals("/mesh/health", s.wsPath());
        assertEquals("sentinel.aethercore.local", s.publicHost());
        assertEquals("sentinel.aethercore.local", s.rpId(), "the WebAuthn relying party is the host operators use");
        assertEquals(root, s.pinnedRoot());
        assertTrue(s.origins().contains("https://sentinel.aethercore.local:8443"), s.origins().toString());
        assertEquals(json, s.configJson());
    }

    @Test
    void theShippedConfigurationLeavesThePlaybooksKeysToConfigJson() throws Exception {
        // the distribution's etc/io.aethercore.dashboard.cfg as shipped, plus the playbook's config.json (Step 4.2)
        java.util.Properties shipped = new java.util.Properties();
        try (var in = Files.newBufferedReader(Path.of("../../karaf-distro/src/main/resources/assembly/etc/"
                + "io.aethercore.dashboard.cfg"))) {
            shipped.load(in);
        }
        Path json = Files.writeString(dir.resolve("config.json"), """
                {"websocket": {"url": "wss://sentinel.aethercore.local/mesh/health", "tls": {"min_version": "TLSv1.3"}},
                 "update_frequency_hz": 1, "aetheric_sweep_frequency_hz": 10}
                """);
        Map<String, Object> p = new java.util.HashMap<>();
        shipped.forEach((k, v) -> p.put(k.toString(), v.toString()));
        p.put("config_json", json.toString());
        DashboardSettings s = DashboardSettings.parse(p);
        assertEquals("sentinel.aethercore.local", s.publicHost());
        assertEquals(10, s.sweepHz());
    }

    @Test
    void aKeyInBothPlacesWithDifferentValuesIsRefused() throws Exception {
        Path json = Files.writeString(dir.resolve("config.json"), "{\"update_frequency_hz\": 2}");
        String m = refusal(Map.of("config_json", json.toString(), "update_frequency_hz", "5"));
        assertTrue(m.contains("update_frequency_hz is '5'") && m.contains("set it in one place"), m);
        assertEquals(2, DashboardSettings.parse(Map.of("config_json", json.toString(), "update_frequency_hz", "2"))
                .updateHz(), "the same value in both places is fine");
    }

    @Test
    void whatCannotTakeEffectIsRefusedWithItsName() throws Exception {
        Map<String, String> bad = new HashMap<>();
        bad.put("tls.min_version", "TLSv1.2");
        bad.put("update_frequency_hz", "0");
        bad.put("aetheric_sweep_frequency_hz", "ten");
        bad.put("websocket_url", "/x");
        bad.put("webauthn.rp_id", "10.0.0.1");
        bad.put("allowed_origins", "http://plain.example");
        String m = refusal(bad);
        for (String expected : new String[] {"TLS 1.3 only", "update_frequency_hz must be 1 to 60",
            "aetheric_sweep_frequency_hz is not a whole number", "unknown key 'websocket_url'",
            "WebAuthn does not accept IP addresses", "must be https://host[:port]"}) {
            assertTrue(m.contains(expected), expected + " in: " + m);
        }
        assertTrue(refusal(Map.of("websocket.url", "ws://host/mesh/health")).contains("plain ws:// is not offered"));
        assertTrue(refusal(Map.of("websocket.url", "wss://host:9443/mesh/health")).contains("listens on 8443"));
        assertTrue(refusal(Map.of("tls.pinned_cert", dir.resolve("missing.pem").toString())).contains("not a readable file"));
        Path json = Files.writeString(dir.resolve("config.json"), "{\"websocket\": {\"compression\": true}}");
        assertTrue(refusal(Map.of("config_json", json.toString())).contains("unknown key 'websocket.compression'"));
        Path broken = Files.writeString(dir.resolve("broken.json"), "{not json");
        assertTrue(refusal(Map.of("config_json", broken.toString())).contains("cannot read"));
    }
}
