package io.aethercore.backup.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Writes a backup from a cut of every store (docs/backup.md, "Consistency"). OSGi-free: the command
 * takes the cut through the services and hands it here; benchmarks and tests call it directly.
 */
public final class Backup {

    public static final String FORMAT = "aethercore-backup/1";

    /** A Merkle Vine log cut at {@code size} entries (at most its durable size), with its root there. */
    public record LogCut(String name, Path dir, long size, byte[] root) {}

    /**
     * The audit record store cut at {@code size} records: {@code note} is the signed checkpoint of that size
     * the audit log published for the backup; {@code logName} is its Merkle log.
     */
    public record AuditCut(Path dir, long size, byte[] note, String logName) {}

    /** Everything a backup holds; {@code extra} goes into the manifest as is (gospel.size, ...). */
    public record Plan(String node, List<LogCut> logs, AuditCut audit, Map<String, String> extra) {}

    /** What was written. */
    public record Written(int items, long bytes, Map<String, Long> sizes) {}

    private Backup() {}

    /** Writes the container for {@code plan} into {@code out} (the encrypting stream). */
    public static Written write(Plan plan, OutputStream out) throws IOException, BackupException {
        Properties m = new Properties();
        m.setProperty("format", FORMAT);
        m.setProperty("created", Instant.now().toString());
        m.setProperty("node", plan.node());
        List<String> names = new ArrayList<>();
        Map<String, Long> sizes = new TreeMap<>();
        for (LogCut l : plan.logs()) {
            Container.checkName(l.name());
            names.add(l.name());
            byte[] meta = Files.readAllBytes(l.dir().resolve(MerkleLogFiles.META));
            String alg = MerkleLogFiles.algorithm(meta, "merkle/" + l.name() + "/" + MerkleLogFiles.META);
            m.setProperty("log." + l.name() + ".size", Long.toString(l.size()));
            m.setProperty("log." + l.name() + ".root", HexFormat.of().formatHex(l.root()));
            m.setProperty("log." + l.name() + ".algorithm", alg);
            sizes.put("merkle:" + l.name(), l.size());
        }
        m.setProperty("logs", String.join(",", names));
        AuditCut a = plan.audit();
        List<AuditFiles.SegmentCut> segs = List.of();
        byte[] checkpoints = new byte[0];
        long prunedBytes = 0;
        if (a != null) {
            m.setProperty("audit.size", Long.toString(a.size()));
            m.setProperty("audit.log", a.logName());
            segs = AuditFiles.cut(a.dir(), a.size());
            checkpoints = AuditFiles.checkpointsUpTo(a.dir().resolve(AuditFiles.CHECKPOINTS), a.size());
            Path pruned = a.dir().resolve(AuditFiles.PRUNED);
            if (Files.exists(pruned)) {
                prunedBytes = Math.min(Files.size(pruned) / 32, a.size()) * 32;
            }
            sizes.put("audit", a.size());
        }
        plan.extra().forEach(m::setProperty);
        ByteArrayOutputStream mb = new ByteArrayOutputStream();
        m.store(mb, "AetherCore backup manifest (docs/backup.md)");

        Container.Writer w = new Container.Writer(out);
        w.item(Container.MANIFEST, mb.toByteArray());
        long bytes = mb.size();
        for (LogCut l : plan.logs()) {
            String p = "merkle/" + l.name() + "/";
            w.item(p + MerkleLogFiles.META, Files.readAllBytes(l.dir().resolve(MerkleLogFiles.META)));
            long len = MerkleLogFiles.prefixLength(l.dir(), l.size());
            w.begin(p + MerkleLogFiles.ENTRIES, len);
            MerkleLogFiles.copyPrefix(l.dir().resolve(MerkleLogFiles.ENTRIES), len, itemStream(w));
            bytes += len;
        }
        if (a != null) {
            String p = "audit/records/";
            if (prunedBytes > 0) {
                w.begin(p + AuditFiles.PRUNED, prunedBytes);
                MerkleLogFiles.copyPrefix(a.dir().resolve(AuditFiles.PRUNED), prunedBytes, itemStream(w));
            }
            for (AuditFiles.SegmentCut s : segs) {
                w.begin(p + s.file().getFileName(), s.bytes());
                MerkleLogFiles.copyPrefix(s.file(), s.bytes(), itemStream(w));
                bytes += s.bytes();
            }
            w.item(p + AuditFiles.CHECKPOINTS, checkpoints);
            w.item(p + AuditFiles.LATEST, a.note());
            Path keys = a.dir().resolve(AuditFiles.KEYS);
            if (Files.isDirectory(keys)) {
                List<Path> pems = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(keys, "*.pem")) {
                    ds.forEach(pems::add);
                }
                pems.sort(null);
                for (Path k : pems) {
                    w.item(p + AuditFiles.KEYS + "/" + k.getFileName(), Files.readAllBytes(k));
                }
            }
        }
        w.finish();
        return new Written(0, bytes, sizes);
    }

    private static OutputStream itemStream(Container.Writer w) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                w.write(b, off, len);
            }
        };
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
