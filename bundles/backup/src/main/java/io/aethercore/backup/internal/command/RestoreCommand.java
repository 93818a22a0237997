package io.aethercore.backup.internal.command;

import io.aethercore.api.mesh.MeshHealth;
import io.aethercore.backup.internal.BackupException;
import io.aethercore.backup.internal.Envelope;
import io.aethercore.backup.internal.Restore;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * {@code aether:restore --input FILE (--key-file PEM | --passphrase-file F | --passphrase-env NAME) [--force] [--dry-run]}:
 * verifies every item of a backup, then replaces the node's stores with it while the bundles that own
 * them are stopped (docs/backup.md, "Restore").
 */
@Service
@Command(scope = "aether", name = "restore",
        description = "Verifies a backup item by item and, only if all of it verifies, restores the Gospel, audit and Merkle stores from it.")
public class RestoreCommand implements Action {

    /** Owners of the stores, stopped during the swap (in this order) and started again in reverse. */
    static final List<String> OWNERS = List.of("io.aethercore.mesh", "io.aethercore.audit", "io.aethercore.merkle");

    @Option(name = "-i", aliases = "--input", required = true, description = "backup file")
    @Completion(FileCompleter.class)
    String input;

    @Option(name = "--key-file", description = "the recipient's private key (PKCS#8 PEM) for a backup encrypted to a certificate")
    @Completion(FileCompleter.class)
    String keyFile;

    @Option(name = "--passphrase-file", description = "file whose first line is the passphrase")
    @Completion(FileCompleter.class)
    String passphraseFile;

    @Option(name = "--passphrase-env", description = "name of an environment variable of the node holding the passphrase")
    String passphraseEnv;

    @Option(name = "--force", description = "restore even if a peer's Gospel is newer than the backup's (the node then catches up from peers)")
    boolean force;

    @Option(name = "--dry-run", aliases = "--verify-only", description = "verify only; change nothing")
    boolean dryRun;

    @Reference
    ConfigurationAdmin configAdmin;

    @Reference(optional = true)
    MeshHealth mesh;

    @Reference
    BundleContext bundleContext;


    @Override
    public Object execute() throws Exception {
        Envelope.Key key = key();
        long t0 = System.nanoTime();
        Path staging = Path.of(StoreDirs.data(), "aethercore", "restore-staging");
        if (Files.exists(staging)) {
            Restore.deleteTree(staging);   // left by an interrupted restore: never trusted
        }
        Restore.Verified v;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(Path.of(input)), 1 << 20)) {
            // BouncyCastle's BLAKE3 in process: through the HashService API every tree hash is one call on
            // 33-65 bytes, and the native provider's per-call cost made the restore slower (docs/PERFORMANCE.md)
            v = Restore.stageAndVerify(Envelope.decrypt(in, key), staging);
        } catch (BackupException e) {
            throw refused(e);
        } catch (java.io.IOException e) {
            throw new BackupException(null, "Refused: the backup could not be read to its end (" + e.getMessage()
                    + "). First bad item: envelope (the encrypted content is damaged or cut). Nothing was restored.");
        } finally {
            if (key instanceof Envelope.PassphraseOpener p) {
                Arrays.fill(p.passphrase(), '\0');
            }
        }
        boolean done = false;
        try {
            long verifyMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("Verified: " + v.logs().size() + " Merkle log(s), "
                    + (v.auditSize() >= 0 ? v.auditSize() + " audit records under a signed checkpoint, " : "")
                    + "every item intact (" + verifyMs + " ms)");
            MeshHealth m = mesh;
            if (m != null && v.gospelSize() >= 0) {
                for (MeshHealth.Peer p : m.status().peers()) {
                    if (p.gospelSize() > v.gospelSize() && !force) {
                        throw new BackupException(null, "Refused: the backup's Gospel (" + v.gospelSize()
                                + " entries) is older than peer " + p.nodeId() + "'s (" + p.gospelSize()
                                + " entries). Restore it anyway with --force; the node then catches up from its peers. Nothing was restored.");
                    }
                }
            }
            if (dryRun) {
                System.out.println("Dry run: nothing changed.");
                return null;
            }
            install(v);
            done = true;
            System.out.println("Restored in " + (System.nanoTime() - t0) / 1_000_000 + " ms; the Gospel catches up from peers.");
            return null;
        } finally {
            if (!done) {
                Restore.deleteTree(staging);
            }
        }
    }

    private void install(Restore.Verified v) throws Exception {
        Map<String, Path> logDirs = StoreDirs.merkleLogs(configAdmin);
        var audit = StoreDirs.audit(configAdmin);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        List<Bundle> stopped = new ArrayList<>();
        BundleContext sys = bundleContext.getBundle(0).getBundleContext();
        for (String bsn : OWNERS) {
            for (Bundle b : sys.getBundles()) {
                if (b.getSymbolicName() != null && b.getSymbolicName().equals(bsn) && b.getState() == Bundle.ACTIVE) {
                    b.stop(Bundle.STOP_TRANSIENT);
                    stopped.add(b);
                }
            }
        }
        try {
            for (String name : v.logs().keySet()) {
                Path target = logDirs.get(name);
                if (target == null) {
                    target = home(v.manifest().getProperty("log." + name + ".home"), name);
                }
                replace(v.log(name), target, stamp);
                System.out.println("  merkle log " + name + ": " + v.logs().get(name) + " entries -> " + target);
            }
            if (v.audit() != null) {
                replace(v.audit(), audit.getKey(), stamp);
                pin(v.auditKeys());
                System.out.println("  audit records: " + v.auditSize() + " -> " + audit.getKey()
                        + " (signer keys pinned: " + String.join(", ", v.auditKeys()) + ")");
            }
        } finally {
            for (int i = stopped.size() - 1; i >= 0; i--) {
                stopped.get(i).start(Bundle.START_TRANSIENT);
            }
        }
        Restore.deleteTree(v.staging());
    }

    /** A log's directory under this node's data directory, as the backup recorded it (a plain relative path). */
    static Path home(String recorded, String name) {
        Path data = Path.of(StoreDirs.data());
        if (recorded != null && recorded.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*") && !recorded.contains("..")) {
            return data.resolve(recorded);
        }
        return data.resolve("aethercore").resolve("merkle").resolve(name);
    }

    /** Moves the current store aside (kept as {@code <dir>.before-restore-<time>}) and the verified one in. */
    private static void replace(Path staged, Path target, String stamp) throws Exception {
        if (Files.exists(target)) {
            Path aside = target.resolveSibling(target.getFileName() + ".before-restore-" + stamp);
            Files.move(target, aside);
            System.out.println("  kept the previous store as " + aside);
        }
        Files.createDirectories(target.getParent());
        Files.move(staged, target);
    }

    /** Adds the fingerprints of the backup's signer keys to the audit pin file (docs/audit.md). */
    private static void pin(List<String> fingerprints) throws Exception {
        Path file = Path.of(System.getProperty("karaf.etc", "etc"), "aethercore", "audit-pinned-keys");
        Files.createDirectories(file.getParent());
        String have = Files.exists(file) ? Files.readString(file, StandardCharsets.US_ASCII) : "";
        StringBuilder add = new StringBuilder();
        if (have.isEmpty()) {
            add.append("# Audit signer keys the offline integrity check trusts (SHA-256 of the SubjectPublicKeyInfo, hex).\n");
        }
        for (String fp : fingerprints) {
            if (!have.contains(fp)) {
                add.append("# restored from a backup (aether:restore)\n").append(fp).append('\n');
            }
        }
        if (add.length() > 0) {
            Files.writeString(file, add, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private static Exception refused(BackupException e) {
        String item = e.item() == null ? "" : " First bad item: " + e.item() + ".";
        return new BackupException(null, "Refused: " + e.getMessage() + "." + item + " Nothing was restored.");
    }

    private Envelope.Key key() throws Exception {
        int n = (keyFile != null ? 1 : 0) + (passphraseFile != null ? 1 : 0) + (passphraseEnv != null ? 1 : 0);
        if (n != 1) {
            throw new BackupException(null, "give exactly one of --key-file, --passphrase-file, --passphrase-env");
        }
        if (keyFile != null) {
            String pem = Files.readString(Path.of(keyFile), StandardCharsets.US_ASCII);
            int b = pem.indexOf("-----BEGIN PRIVATE KEY-----");
            int e = pem.indexOf("-----END PRIVATE KEY-----");
            if (b < 0 || e < b) {
                throw new BackupException(null, "--key-file must be a PKCS#8 PEM (BEGIN PRIVATE KEY)");
            }
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(b + 27, e));
            PrivateKey k = null;
            for (String alg : List.of("EC", "RSA")) {
                try {
                    k = KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
                    break;
                } catch (java.security.spec.InvalidKeySpecException ignored) {
                    // try the next algorithm
                }
            }
            if (k == null) {
                throw new BackupException(null, "--key-file holds neither an EC nor an RSA key");
            }
            return new Envelope.PrivateKeyOpener(null, k);
        }
        return new Envelope.PassphraseOpener(StoreDirs.passphrase(passphraseFile, passphraseEnv));
    }
}
