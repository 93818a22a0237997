package io.aethercore.backup.internal.command;

import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.mesh.MeshHealth;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleVine;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.backup.internal.Backup;
import io.aethercore.backup.internal.BackupException;
import io.aethercore.backup.internal.Envelope;
import io.aethercore.formats.merkle.CheckpointNotes;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * {@code aether:backup --output FILE (--recipient-cert PEM | --passphrase-file F | --passphrase-env NAME)}:
 * an online, consistent snapshot of the Gospel journal, the audit log and every Merkle log, encrypted
 * as a CMS EnvelopedData (docs/backup.md).
 */
@Service
@Command(scope = "aether", name = "backup",
        description = "Writes an encrypted, consistent online backup of the Gospel, the audit log and the Merkle stores.")
public class BackupCommand implements Action {

    @Option(name = "-o", aliases = "--output", required = true, description = "backup file to write (mode 0600)")
    @Completion(FileCompleter.class)
    String output;

    @Option(name = "--recipient-cert", description = "operator certificate (PEM) the backup is encrypted to")
    @Completion(FileCompleter.class)
    String recipientCert;

    @Option(name = "--passphrase-file", description = "file whose first line is the passphrase")
    @Completion(FileCompleter.class)
    String passphraseFile;

    @Option(name = "--passphrase-env", description = "name of an environment variable of the node holding the passphrase")
    String passphraseEnv;

    @Reference
    MerkleVine vine;

    @Reference(optional = true)
    AuditLog audit;

    @Reference(optional = true)
    MeshHealth mesh;

    @Reference
    ConfigurationAdmin configAdmin;

    @Override
    public Object execute() throws Exception {
        Envelope.Recipient to = recipient();
        long t0 = System.nanoTime();
        Map<String, Path> dirs = StoreDirs.merkleLogs(configAdmin);
        Map<String, String> extra = new LinkedHashMap<>();
        MeshHealth m = mesh;
        if (m != null) {
            MeshHealth.Status s = m.status();
            extra.put("gospel.size", Long.toString(s.gospelSize()));
            extra.put("gospel.root", s.gospelRoot());
        }
        // the cut: first the audit log publishes a signed checkpoint; every record it covers is durable
        Backup.AuditCut auditCut = null;
        AuditLog a = audit;
        var auditPlace = StoreDirs.audit(configAdmin);
        if (a != null) {
            SignedCheckpoint cp = a.publishCheckpoint();
            auditCut = new Backup.AuditCut(auditPlace.getKey(), cp.checkpoint().size(),
                    CheckpointNotes.toNote(cp).getBytes(StandardCharsets.UTF_8), auditPlace.getValue());
        }
        // then each Merkle log at its durable size (the audit tree at the checkpoint's size)
        List<Backup.LogCut> logs = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (MerkleLog l : vine.logs()) {
            Path dir = dirs.get(l.name());
            if (dir == null || !Files.exists(dir.resolve("entries.dat"))) {
                skipped.add(l.name());
                continue;
            }
            long size = auditCut != null && l.name().equals(auditCut.logName()) ? auditCut.size() : l.durableSize();
            if (size > l.durableSize()) {
                throw new BackupException(null, "the audit tree is behind its own checkpoint; retry");
            }
            logs.add(new Backup.LogCut(l.name(), dir, size, l.rootAt(size)));
            Path data = Path.of(StoreDirs.data()).toAbsolutePath().normalize();
            Path abs = dir.toAbsolutePath().normalize();
            if (abs.startsWith(data)) {
                // where a node that has no configuration for this log yet keeps it (the Gospel's is made by the mesh)
                extra.put("log." + l.name() + ".home", data.relativize(abs).toString().replace('\\', '/'));
            }
        }
        if (auditCut != null && logs.stream().noneMatch(c -> c.name().equals(auditPlace.getValue()))) {
            throw new BackupException(null, "the audit log's Merkle log '" + auditPlace.getValue() + "' was not found");
        }
        String node = System.getProperty("karaf.name", "node");
        Path out = Path.of(output).toAbsolutePath();
        Path tmp = out.resolveSibling(out.getFileName() + ".part");
        Files.createDirectories(out.getParent());
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Backup.Written w;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20);
                OutputStream enc = Envelope.encrypt(file, to)) {
            w = Backup.write(new Backup.Plan(node, logs, auditCut, extra), enc);
        } catch (Exception e) {
            Files.deleteIfExists(tmp);
            throw e;
        } finally {
            if (to instanceof Envelope.PassphraseRecipient p) {
                Arrays.fill(p.passphrase(), '\0');
            }
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("Backup written: " + out + " (" + Files.size(out) + " bytes, " + ms + " ms)");
        for (Backup.LogCut c : logs) {
            System.out.println("  merkle log " + c.name() + ": " + c.size() + " entries");
        }
        if (auditCut != null) {
            System.out.println("  audit records: " + auditCut.size() + " (signed checkpoint of that size included)");
        }
        if (extra.containsKey("gospel.size")) {
            System.out.println("  gospel: " + extra.get("gospel.size") + " entries, root " + extra.get("gospel.root"));
        }
        if (!skipped.isEmpty()) {
            System.out.println("  not included (kept in memory only): " + String.join(", ", skipped));
        }
        System.out.println("  encrypted to: " + describe(to));
        return null;
    }

    private Envelope.Recipient recipient() throws Exception {
        int n = (recipientCert != null ? 1 : 0) + (passphraseFile != null ? 1 : 0) + (passphraseEnv != null ? 1 : 0);
        if (n != 1) {
            throw new BackupException(null, "give exactly one of --recipient-cert, --passphrase-file, --passphrase-env");
        }
        if (recipientCert != null) {
            try (InputStream in = Files.newInputStream(Path.of(recipientCert))) {
                return new Envelope.CertRecipient((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
        }
        return new Envelope.PassphraseRecipient(StoreDirs.passphrase(passphraseFile, passphraseEnv));
    }

    private static String describe(Envelope.Recipient r) {
        if (r instanceof Envelope.CertRecipient c) {
            return "certificate " + c.certificate().getSubjectX500Principal().getName();
        }
        return "passphrase (PBKDF2-HMAC-SHA256, " + Envelope.PBKDF2_ITERATIONS + " iterations)";
    }
}
