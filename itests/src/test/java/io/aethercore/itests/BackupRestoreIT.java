package io.aethercore.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.testing.karaf.AetherCoreNodes;
import io.aethercore.testing.karaf.ConsoleResult;
import io.aethercore.testing.karaf.KarafCluster;
import io.aethercore.testing.karaf.KarafNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Playbook 8.1 (issue 16, item 5): {@code aether:backup} on a node whose audit log and Gospel are being
 * written, {@code aether:restore} on a fresh node, the audit integrity check there, every record
 * acknowledged before the backup present, and a tampered backup refused with the first bad item named.
 * Two nodes for the class: the source (a Federation Authority, so it writes Gospel entries) and a fresh one.
 */
class BackupRestoreIT {

    static final String MESH = "io.aethercore.mesh";

    @RegisterExtension
    static final KarafCluster NODES = KarafCluster.of(2, i -> AetherCoreNodes.node(i == 1 ? "bk-source" : "bk-fresh"));

    static KarafNode source, fresh;
    static Path pass;

    @BeforeAll
    static void federation() throws Exception {
        source = NODES.node(1);
        fresh = NODES.node(2);
        Path etc = Files.createDirectories(source.home().resolve("etc/aethercore"));
        Path rootPem = etc.resolve("federation-root.pem");
        Path bundle = etc.resolve("genesis-bundle.bin");
        Path password = etc.resolve("genesis-bundle.pass");
        source.execute("aether:keygen --type federation-root --validity-days 3650 --output " + rootPem);
        MeshIT.writeSecret(password, "backup drill genesis passphrase");
        String genesis = source.execute("aether:genesis --root-cert " + rootPem + " --initial-merkle-root " + "cd".repeat(32)
                + " --output " + bundle + " --password-file " + password + " --authority-name bk-source"
                + " --authority-address " + source.b4aeAddress() + " --pcr-policy current --allow-software-attestation");
        assertTrue(genesis.contains("Genesis bundle written"), genesis);
        source.configureAll(MESH, Map.of("role", "authority", "node_id", "bk-source", "address", source.b4aeAddress()));
        MeshIT.awaitLog(source, "[SUCCESS] Federation Authority bk-source serving enrollment", Duration.ofSeconds(60));
        pass = Files.createTempDirectory("backup-it").resolve("backup.pass");
        MeshIT.writeSecret(pass, "operator backup passphrase 8.1");
    }

    @Test
    void backupUnderWriteLoadRestoresOnAFreshNodeAndATamperedOneIsRefused() throws Exception {
        String seed = source.execute("aether:gospel-note --text seed --count 2000", Duration.ofSeconds(120));
        assertTrue(seed.contains("2000") || !seed.isBlank(), seed);

        // write load: Gospel notes (each also an audited console command) from one thread while the backup runs
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> acked = java.util.Collections.synchronizedList(new ArrayList<>());   // [i, finished at ns]
        List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread load = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                ConsoleResult r = source.run("aether:gospel-note --text load-" + i);
                if (r.exitStatus() == 0) {
                    acked.add(new long[] {i, System.nanoTime()});
                } else {
                    failed.add(r.output());
                }
            }
        }, "backup-it-load");
        load.start();
        long until = System.nanoTime() + 30_000_000_000L;
        while (acked.size() < 5 && failed.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        Path file = source.home().resolve("backups/week-1.aebak");
        long started = System.nanoTime();
        String out;
        try {
            out = source.execute("aether:backup --output " + file + " --passphrase-file " + pass, Duration.ofSeconds(120));
        } finally {
            Thread.sleep(500);
            stop.set(true);
            load.join(30_000);
        }
        System.out.println("BackupRestoreIT: " + out);
        assertTrue(out.contains("Backup written: " + file), out);
        assertTrue(Files.size(file) > 0);
        List<Long> before = acked.stream().filter(a -> a[1] < started).map(a -> a[0]).toList();
        assertFalse(before.isEmpty(), "the load made no Gospel note before the backup: " + failed);
        assertTrue(failed.isEmpty(), "load commands failed: " + failed);
        assertTrue(acked.size() > before.size(), "the load went on during the backup");

        // a tampered copy: one byte changed inside the encrypted content
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 0x40;
        Path tampered = fresh.home().resolve("tampered.aebak");
        Files.write(tampered, b);
        ConsoleResult refused = fresh.run("aether:restore --input " + tampered + " --passphrase-file " + pass);
        System.out.println("BackupRestoreIT: tampered -> " + refused.output());
        assertTrue(refused.exitStatus() != 0, refused.output());
        assertTrue(refused.output().contains("Refused"), refused.output());
        assertTrue(refused.output().contains("First bad item: "), refused.output());
        assertTrue(refused.output().contains("Nothing was restored"), refused.output());
        assertFalse(Files.exists(fresh.home().resolve("data/aethercore/restore-staging")));
        try (Stream<Path> s = Files.list(fresh.home().resolve("data/aethercore/audit"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("before-restore")), "a refused restore changed the stores");
        }

        // the real restore on the fresh node
        String restored = fresh.execute("aether:restore --input " + file + " --passphrase-file " + pass, Duration.ofSeconds(120));
        System.out.println("BackupRestoreIT: " + restored);
        assertTrue(restored.contains("Verified: "), restored);
        assertTrue(restored.contains("Restored in "), restored);

        String check = fresh.awaitOutput("aether:audit-check", o -> o.contains("[SUCCESS]"), Duration.ofSeconds(60));
        assertTrue(check.contains("[SUCCESS]"), check);

        // every note acknowledged before the backup started is in the restored audit records and Gospel journal
        String records = readAll(fresh.home().resolve("data/aethercore/audit/records"), ".seg");
        // the Gospel journal goes where the mesh keeps it; the mesh opens it once the node has its genesis bundle
        String gospel = readAll(fresh.home().resolve("data/aethercore/gospel"), "entries.dat");
        for (long i : before) {
            assertTrue(records.contains("aether:gospel-note --text load-" + i + "\""), "audit record of load-" + i + " missing");
            assertTrue(gospel.contains("load-" + i), "Gospel entry load-" + i + " missing");
        }
        Matcher m = Pattern.compile("merkle log gospel: (\\d+) entries").matcher(restored);
        assertTrue(m.find(), restored);
        assertTrue(restored.contains("data/aethercore/gospel"), restored);
        System.out.printf("BackupRestoreIT: %d notes acknowledged before the backup, %d during it; gospel journal %s records%n",
                before.size(), acked.size() - before.size(), m.group(1));
        // the node goes on recording after the restore
        fresh.execute("aether:audit-checkpoint");
        assertTrue(fresh.execute("aether:audit-check").contains("[SUCCESS]"));

        // the offline check trusts only pinned keys: the restore pinned the old node's key beside the new one
        ProcessBuilder pb = new ProcessBuilder(fresh.home().resolve("bin/audit-integrity-check").toString()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("KARAF_"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String offline = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), offline);

        // the weekly timer's line: aether-ctl backup --output FILE <recipient>, exit 0; and a verification-only
        // restore through aether-ctl (its local operator has the manager role, enough for --dry-run)
        Path weekly = source.home().resolve("backups/week-2.aebak");
        AetherCtlIT.Run ctl = AetherCtlIT.ctl(source, "backup", "--output", weekly.toString(), "--passphrase-file", pass.toString());
        assertEquals(0, ctl.exit(), ctl.out());
        assertTrue(ctl.out().contains("Backup written: " + weekly), ctl.out());
        AetherCtlIT.Run dry = AetherCtlIT.ctl(fresh, "restore", "--dry-run", "--input", weekly.toString(),
                "--passphrase-file", pass.toString());
        assertEquals(0, dry.exit(), dry.out());
        assertTrue(dry.out().contains("Dry run: nothing changed."), dry.out());
        AetherCtlIT.Run denied = AetherCtlIT.ctl(fresh, "restore", "--input", weekly.toString(), "--passphrase-file", pass.toString());
        assertEquals(1, denied.exit(), "a restore needs the admin role: " + denied.out());
    }

    static String readAll(Path dir, String suffix) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList()) {
                sb.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }
}
