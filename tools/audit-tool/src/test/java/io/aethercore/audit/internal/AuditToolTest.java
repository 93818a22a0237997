package io.aethercore.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditReceipt;
import io.aethercore.audit.tool.AuditTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The auditor's offline tool on an export: nothing from the node but files and the public key. */
class AuditToolTest {

    @TempDir
    Path tmp;

    String out;

    int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int rc = AuditTool.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(o, true,
                StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        return rc;
    }

    @Test
    void exportVerifiesOfflineAndTamperingFails() throws Exception {
        Path export = tmp.resolve("export");
        Path pem = tmp.resolve("node.pem");
        List<AuditReceipt> receipts = new ArrayList<>();
        try (AuditFixture f = new AuditFixture(tmp.resolve("node"), 4096)) {
            for (int i = 0; i < 40; i++) {
                receipts.add(f.engine.record(AuditEvent.of("operator-" + i, "ConfigUpdate", "k=" + i)));
            }
            f.engine.export(export);
            Files.writeString(pem, f.nodeKey.handle().publicKey().toPem());
            // records after the export are not in it
            f.engine.record(AuditEvent.of("late", "After", "export"));
        }
        assertEquals(0, run("check", "--dir", export.toString(), "--key", pem.toString()), out);
        assertTrue(out.startsWith("[SUCCESS] 40 records"), out);
        for (int i : new int[] {0, 1, 17, 39}) {
            assertEquals(0, run("verify", "--dir", export.toString(), "--key", pem.toString(), "--event-id",
                    receipts.get(i).eventId()), out);
            assertEquals("[SUCCESS] Signature valid, Merkle proof verified", out.trim());
        }
        assertEquals(1, run("verify", "--dir", export.toString(), "--key", pem.toString(), "--event-id", "nope"));

        // another key: nothing verifies
        Path other = tmp.resolve("other.pem");
        try (AuditFixture g = new AuditFixture(tmp.resolve("other"), 4096)) {
            Files.writeString(other, g.nodeKey.handle().publicKey().toPem());
        }
        assertEquals(1, run("check", "--dir", export.toString(), "--key", other.toString()), out);
        assertEquals(1, run("verify", "--dir", export.toString(), "--key", other.toString(), "--event-id",
                receipts.get(3).eventId()), out);
        assertTrue(out.contains("Signature not checked") || out.contains("Checkpoint signature invalid"), out);

        // a changed target in a record, checksum recomputed by the forger
        Path seg;
        try (var ds = Files.newDirectoryStream(export, "records-*.seg")) {
            seg = ds.iterator().next();
        }
        byte[] b = Files.readAllBytes(seg);
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int at = s.indexOf("\"k=1\"");
        b[at + 3] = '7';
        int len = java.nio.ByteBuffer.wrap(b, 0, 4).getInt();
        java.nio.ByteBuffer frame = java.nio.ByteBuffer.wrap(b);
        int pos = 0;
        long idx = 0;
        while (pos + 16 + len <= at) { // find the frame holding the change
            pos += 16 + len;
            idx++;
            len = java.nio.ByteBuffer.wrap(b, pos, 4).getInt();
        }
        byte[] data = java.util.Arrays.copyOfRange(b, pos + 16, pos + 16 + len);
        frame.putInt(pos + 4, RecordStore.crc(len, idx, data));
        Files.write(seg, b);
        assertEquals(1, run("check", "--dir", export.toString(), "--key", pem.toString()), out);
        assertTrue(out.contains("record 1: signature invalid"), out);
        assertEquals(1, run("verify", "--dir", export.toString(), "--key", pem.toString(), "--event-id",
                receipts.get(1).eventId()), out);
        assertTrue(out.startsWith("[FAILURE] Signature invalid"), out);
        assertEquals(2, run("check"));
    }

    /** Issue 18 item 5: the records' folder is read from the configuration, and only pinned keys are trusted. */
    @Test
    void onlyPinnedKeysAreTrustedAndTheConfigurationNamesTheRecords() throws Exception {
        Path home = tmp.resolve("karaf");
        Path records = home.resolve("data/aethercore/audit/records");
        String fp;
        try (AuditFixture f = new AuditFixture(home.resolve("data/aethercore/audit"), 4096)) {
            for (int i = 0; i < 10; i++) {
                f.engine.record(AuditEvent.of("operator-" + i, "ConfigUpdate", "k=" + i));
            }
            fp = f.nodeKey.handle().publicKey().fingerprint();
        }
        Path cfg = home.resolve("etc/io.aethercore.audit.cfg");
        Files.createDirectories(cfg.getParent());
        Files.writeString(cfg, "log_path = ${karaf.data}/aethercore/audit/records\n");
        assertEquals(2, run("check", "--config", cfg.toString()), out);
        assertTrue(out.contains("no pinned key"), out);

        PinnedKeys.recordFirst(home.resolve("etc/aethercore").resolve(PinnedKeys.FILE), fp);
        assertEquals(0, run("check", "--config", cfg.toString()), out);
        assertTrue(out.contains("[SUCCESS] 10 records"), out);
        assertTrue(out.contains(records.toString()), out);

        // a key planted beside the records (whoever can write them can put one there) fails the check
        try (AuditFixture g = new AuditFixture(tmp.resolve("attacker"), 4096)) {
            Files.writeString(records.resolve("keys").resolve("planted.pem"), g.nodeKey.handle().publicKey().toPem());
        }
        assertEquals(1, run("check", "--config", cfg.toString()), out);
        assertTrue(out.contains("is not pinned"), out);
        // the pin in the configuration works as well; --trust-keys-dir is the explicit old behaviour
        Files.delete(home.resolve("etc/aethercore").resolve(PinnedKeys.FILE));
        Files.writeString(cfg, "log.path = " + records + "\ncheckpoint.pinned_keys = " + fp + "\n");
        assertEquals(1, run("check", "--config", cfg.toString()), out);
        assertEquals(0, run("check", "--dir", records.toString(), "--trust-keys-dir"), out);
        assertEquals(1, run("check", "--dir", records.toString(), "--keys-dir", records.resolve("keys").toString(),
                "--pin", fp), out);
        assertTrue(out.contains("is not pinned") && out.contains("[SUCCESS] 10 records"), out);
    }
}
