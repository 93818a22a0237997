package io.aethercore.backup.internal;

import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.merkle.InvalidProofException;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.formats.merkle.CheckpointNotes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Reads a backup into a staging directory and verifies every item before anything is accepted
 * (docs/backup.md, "Restore"). The staging directory is removed on a refusal; on success it holds the
 * verified stores, ready to be moved into place by the caller.
 */
public final class Restore {

    static final int MAX_MANIFEST = 1 << 20;
    static final int MAX_SMALL = 16 << 20;

    /** A verified backup in {@code staging}. */
    public record Verified(Path staging, Properties manifest, Map<String, Long> logs, long auditSize,
            List<String> auditKeys, long gospelSize) {

        /** The staged directory of a Merkle log (entries.dat, log.properties). */
        public Path log(String name) {
            return staging.resolve("merkle").resolve(name);
        }

        /** The staged audit record store, or {@code null}. */
        public Path audit() {
            return auditSize < 0 ? null : staging.resolve("audit").resolve("records");
        }
    }

    private Restore() {}

    /** Decrypted container stream → staged, verified stores. */
    public static Verified stageAndVerify(InputStream decrypted, Path staging) throws BackupException, IOException {
        return stageAndVerify(decrypted, staging, null);
    }

    /**
     * As {@link #stageAndVerify(InputStream, Path)}, hashing BLAKE3 through {@code hashes} (the node's best
     * provider) when it is given; BouncyCastle's BLAKE3 otherwise.
     */
    public static Verified stageAndVerify(InputStream decrypted, Path staging, io.aethercore.api.crypto.HashService hashes)
            throws BackupException, IOException {
        if (Files.exists(staging)) {
            throw new BackupException(null, staging + " exists; remove it first");
        }
        Files.createDirectories(staging);
        boolean ok = false;
        try {
            Verified v = stage(decrypted, staging, hashes);
            ok = true;
            return v;
        } finally {
            if (!ok) {
                deleteTree(staging);
            }
        }
    }

    private static Verified stage(InputStream in, Path staging, io.aethercore.api.crypto.HashService hashes)
            throws BackupException, IOException {
        ByteArrayOutputStream manifestBytes = new ByteArrayOutputStream();
        List<String> names = new ArrayList<>();
        Container.read(in, new Container.Sink() {
            @Override
            public OutputStream open(String name, long length) throws IOException, BackupException {
                names.add(name);
                if (name.equals(Container.MANIFEST)) {
                    if (length > MAX_MANIFEST) {
                        throw new BackupException(name, "larger than " + MAX_MANIFEST + " bytes");
                    }
                    return manifestBytes;
                }
                Path p = staging.resolve(name).normalize();
                if (!p.startsWith(staging)) {
                    throw new BackupException(name, "escapes the staging directory");
                }
                Files.createDirectories(p.getParent());
                return new java.io.BufferedOutputStream(Files.newOutputStream(p), 1 << 16);
            }
        });
        Properties m = new Properties();
        try {
            m.load(new ByteArrayInputStream(manifestBytes.toByteArray()));
        } catch (IllegalArgumentException e) {
            throw new BackupException(Container.MANIFEST, "not a properties file");
        }
        if (!Backup.FORMAT.equals(m.getProperty("format"))) {
            throw new BackupException(Container.MANIFEST, "format '" + m.getProperty("format") + "' is not " + Backup.FORMAT);
        }
        Set<String> expected = new HashSet<>();
        expected.add(Container.MANIFEST);
        Map<String, Long> logs = new LinkedHashMap<>();
        String logList = m.getProperty("logs", "");
        String auditLog = m.getProperty("audit.log");
        long auditSize = -1;
        if (m.getProperty("audit.size") != null) {
            auditSize = number(m, "audit.size");
        }
        byte[] auditEntries = null;
        SignedCheckpoint cut = null;
        List<SignedCheckpoint> published = List.of();
        List<RawPublicKey> keys = List.of();
        Set<Long> auditRootSizes = new HashSet<>();
        String ap = "audit/records/";
        if (auditSize >= 0) {
            if (auditLog == null || !List.of(logList.split(",")).contains(auditLog)) {
                throw new BackupException(Container.MANIFEST, "names no Merkle log of the audit records");
            }
            // the signed checkpoints and keys first: the tree is then checked against them
            keys = AuditFiles.keys(staging.resolve("audit/records/keys"), ap + "keys/");
            byte[] note = readSmall(staging.resolve(ap + AuditFiles.LATEST), ap + AuditFiles.LATEST);
            try {
                cut = CheckpointNotes.parse(note);
            } catch (InvalidProofException | RuntimeException e) {
                throw new BackupException(ap + AuditFiles.LATEST, "not a signed checkpoint: " + e.getMessage());
            }
            AuditFiles.verifySignature(cut, keys, ap + AuditFiles.LATEST);
            if (cut.checkpoint().size() != auditSize) {
                throw new BackupException(ap + AuditFiles.LATEST, "covers " + cut.checkpoint().size()
                        + " records, the manifest " + auditSize);
            }
            published = AuditFiles.parseCheckpoints(readSmall(staging.resolve(ap + AuditFiles.CHECKPOINTS),
                    ap + AuditFiles.CHECKPOINTS), ap + AuditFiles.CHECKPOINTS);
            for (SignedCheckpoint c : published) {
                AuditFiles.verifySignature(c, keys, ap + AuditFiles.CHECKPOINTS);
                if (c.checkpoint().size() > auditSize) {
                    throw new BackupException(ap + AuditFiles.CHECKPOINTS, "a checkpoint of size "
                            + c.checkpoint().size() + " lies beyond the cut " + auditSize);
                }
                auditRootSizes.add(c.checkpoint().size());
            }
            auditRootSizes.add(auditSize);
            if (auditSize > Integer.MAX_VALUE / 32) {
                throw new BackupException(Container.MANIFEST, "audit size " + auditSize + " is beyond what a restore holds");
            }
            auditEntries = new byte[(int) auditSize * 32];
        }
        for (String name : logList.isEmpty() ? new String[0] : logList.split(",")) {
            Container.checkName(name);
            String p = "merkle/" + name + "/";
            expected.add(p + MerkleLogFiles.META);
            expected.add(p + MerkleLogFiles.ENTRIES);
            long size = number(m, "log." + name + ".size");
            byte[] root = hex(m, "log." + name + ".root");
            String alg = m.getProperty("log." + name + ".algorithm");
            String stagedAlg = MerkleLogFiles.algorithm(readSmall(staging.resolve(p + MerkleLogFiles.META),
                    p + MerkleLogFiles.META), p + MerkleLogFiles.META);
            if (!stagedAlg.equals(alg)) {
                throw new BackupException(p + MerkleLogFiles.META, "algorithm " + stagedAlg + ", the manifest says " + alg);
            }
            Path entries = staging.resolve(p + MerkleLogFiles.ENTRIES);
            if (!Files.exists(entries)) {
                throw new BackupException(p + MerkleLogFiles.ENTRIES, "missing from the backup");
            }
            boolean isAudit = name.equals(auditLog) && auditEntries != null;
            byte[] ae = auditEntries;
            MerkleLogFiles.EntryVisitor visitor = !isAudit ? null : (i, d, off, len) -> {
                if (len != 32 || i >= size) {
                    throw new BackupException(p + MerkleLogFiles.ENTRIES, "entry " + i + " is not a record digest");
                }
                System.arraycopy(d, off, ae, (int) i * 32, 32);
            };
            MerkleLogFiles.Verified v = MerkleLogFiles.verify(entries, p + MerkleLogFiles.ENTRIES, alg,
                    isAudit ? auditRootSizes : Set.of(), visitor, hashes);
            if (v.size() != size) {
                throw new BackupException(p + MerkleLogFiles.ENTRIES, "holds " + v.size() + " entries, the manifest "
                        + size + " (entries missing or added)");
            }
            if (!MessageDigest.isEqual(v.root(), root)) {
                throw new BackupException(p + MerkleLogFiles.ENTRIES, "the recomputed root differs from the root at the cut");
            }
            if (isAudit) {
                for (SignedCheckpoint c : concat(published, cut)) {
                    byte[] r = v.rootsAt().get(c.checkpoint().size());
                    if (r == null || !MessageDigest.isEqual(r, c.checkpoint().root())) {
                        throw new BackupException(p + MerkleLogFiles.ENTRIES, "the tree of size " + c.checkpoint().size()
                                + " does not match its signed checkpoint");
                    }
                }
            }
            logs.put(name, size);
        }
        if (auditSize >= 0) {
            if (!logs.containsKey(auditLog)) {
                throw new BackupException("merkle/" + auditLog + "/" + MerkleLogFiles.ENTRIES, "missing from the backup");
            }
            AuditFiles.verifyRecords(staging.resolve("audit/records"), ap,
                    m.getProperty("log." + auditLog + ".algorithm"), auditEntries, auditSize, hashes);
            for (String n : names) {
                if (n.startsWith(ap)) {
                    expected.add(n);   // checked above: segments, pruned digests, checkpoints, keys
                }
            }
            expected.add(ap + AuditFiles.LATEST);
            expected.add(ap + AuditFiles.CHECKPOINTS);
        }
        for (String n : names) {
            if (!expected.contains(n)) {
                throw new BackupException(n, "is not part of any store the manifest lists");
            }
        }
        for (String n : expected) {
            if (!names.contains(n)) {
                throw new BackupException(n, "missing from the backup");
            }
        }
        long gospelSize = m.getProperty("gospel.size") == null ? -1 : number(m, "gospel.size");
        List<String> fps = new ArrayList<>();
        keys.forEach(k -> fps.add(k.fingerprint()));
        return new Verified(staging, m, logs, auditSize, fps, gospelSize);
    }

    private static List<SignedCheckpoint> concat(List<SignedCheckpoint> a, SignedCheckpoint b) {
        List<SignedCheckpoint> l = new ArrayList<>(a);
        l.add(b);
        return l;
    }

    private static byte[] readSmall(Path p, String item) throws BackupException, IOException {
        if (!Files.exists(p)) {
            throw new BackupException(item, "missing from the backup");
        }
        if (Files.size(p) > MAX_SMALL) {
            throw new BackupException(item, "larger than " + MAX_SMALL + " bytes");
        }
        return Files.readAllBytes(p);
    }

    private static long number(Properties m, String key) throws BackupException {
        String v = m.getProperty(key);
        try {
            long n = Long.parseLong(v == null ? "" : v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new BackupException(Container.MANIFEST, key + " is not a count: " + v);
        }
    }

    private static byte[] hex(Properties m, String key) throws BackupException {
        String v = m.getProperty(key, "");
        try {
            byte[] b = HexFormat.of().parseHex(v.trim());
            if (b.length != 32) {
                throw new IllegalArgumentException();
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new BackupException(Container.MANIFEST, key + " is not a 32-byte hex root");
        }
    }

    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
