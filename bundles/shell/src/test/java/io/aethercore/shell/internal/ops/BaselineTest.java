package io.aethercore.shell.internal.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineTest {

    static Baseline sample(long blake3, long sign, String pcr7, String bundleVersion, String cfgSha) {
        return new Baseline("2025-01-01T00:00:00Z", "unit-alpha-7",
                List.of(new Baseline.Figure("blake3_1mb", "BLAKE3 (1MB)", "bytes/s", blake3, "target", "blake3-native"),
                        new Baseline.Figure("sign", "Ed25519 Sign (TPM)", "ns", sign, "target", "software (software)"),
                        new Baseline.Figure("verify", "Ed25519 Verify", "ns", null, "not-measured", "none")),
                new Baseline.Mesh(true, "HEALTHY", 12, "ab".repeat(32), 3, Map.of("HEALTHY", 3L)),
                new Baseline.Pcrs("tpm", "sha256", Map.of("0", "00".repeat(32), "7", pcr7), ""),
                new Baseline.Versions("17.0.16+8", "4.4.10", "0.1.0.SNAPSHOT", Map.of("io.aethercore.api", bundleVersion)),
                Map.of("etc/io.aethercore.b4ae.cfg", new Baseline.ConfigDigest(cfgSha, List.of("cookie_secret_file"))));
    }

    @Test
    void jsonRoundTrip(@TempDir Path dir) throws Exception {
        Baseline b = sample(4_800_000_000L, 27_000, "11".repeat(32), "0.1.0", "cd".repeat(32));
        Path f = dir.resolve("b.json");
        Files.writeString(f, b.toJson());
        assertEquals(b, Baseline.read(f));
        assertTrue(b.toJson().contains("\"schema_version\": 1"));
        assertTrue(b.compare(Baseline.read(f), 25).regressions().isEmpty());
    }

    @Test
    void compareFindsRegressions() {
        Baseline old = sample(4_800_000_000L, 27_000, "11".repeat(32), "0.1.0", "cd".repeat(32));
        // 20 % slower hashing and 20 % slower signing: within 25 %
        assertTrue(sample(4_000_000_000L, 32_400, "11".repeat(32), "0.1.0", "cd".repeat(32)).compare(old, 25).regressions().isEmpty());
        Baseline now = sample(2_000_000_000L, 60_000, "22".repeat(32), "0.2.0", "ef".repeat(32));
        List<String> r = now.compare(old, 25).regressions();
        assertEquals(5, r.size(), r.toString());
        assertTrue(r.get(0).startsWith("bench blake3_1mb: 4.8 GB/s -> 2 GB/s") && r.get(0).contains("140% slower"), r.get(0));
        assertTrue(r.get(1).startsWith("bench sign: 27 µs -> 60 µs"), r.get(1));
        assertTrue(r.get(2).startsWith("PCR sha256: 7: changed 1111111111111111..."), r.get(2));
        assertTrue(r.get(3).startsWith("bundle io.aethercore.api: changed 0.1.0 -> 0.2.0"), r.get(3));
        assertTrue(r.get(4).startsWith("configuration etc/io.aethercore.b4ae.cfg: changed"), r.get(4));
    }

    @Test
    void hostileFilesAreRefusedClearly(@TempDir Path dir) throws Exception {
        String good = sample(1, 1, "11".repeat(32), "1", "cd".repeat(32)).toJson();
        for (var c : Map.of(
                "{", "malformed JSON",
                "[]", "not an object",
                "{\"schema\": \"other\"}", "not an AetherCore baseline",
                good.replace("\"schema_version\": 1", "\"schema_version\": 2"), "schema_version 2 is not supported",
                good.replace("\"value\": 1,", "\"value\": \"fast\","), "bench[0].value is not an integer",
                good.replace("\"gospel_size\": 12", "\"gospel_size\": 1.5"), "only integers",
                good.replace("\"cd", "\"zz"), "sha256 is not 64 hex digits",
                "{\"a\":".repeat(50) + "1" + "}".repeat(50), "nested deeper").entrySet()) {
            Path f = dir.resolve("bad.json");
            Files.writeString(f, c.getKey());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Baseline.read(f));
            assertTrue(e.getMessage().contains(c.getValue()) && e.getMessage().contains("bad.json"), e.getMessage());
            assertEquals(c.getKey(), Files.readString(f), "the file is left as it was");
        }
        Path big = dir.resolve("big.json");
        Files.write(big, new byte[(int) Baseline.MAX_BYTES + 1]);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Baseline.read(big)).getMessage().contains("not a baseline"));
    }

    @Test
    void configDigestsMaskSecrets(@TempDir Path etc) throws Exception {
        Files.writeString(etc.resolve("a.cfg"), "port = 8443\ntls.keystore_password = hunter2\n");
        Files.writeString(etc.resolve("b.cfg"), "port = 8443\ntls.keystore_password = other\n");
        Files.writeString(etc.resolve("io.aethercore.merkle.log-bench-scratch-1.cfg"), "name = x\n");
        Map<String, Baseline.ConfigDigest> d = NodeProbe.configDigests(etc);
        assertEquals(List.of("etc/a.cfg", "etc/b.cfg"), List.copyOf(d.keySet()));
        assertEquals(d.get("etc/a.cfg"), d.get("etc/b.cfg"), "the secret value does not enter the digest");
        assertEquals(List.of("tls.keystore_password"), d.get("etc/a.cfg").maskedKeys());
    }
}
