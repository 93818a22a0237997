package io.aethercore.benchmarks;

import io.aethercore.backup.internal.Backup;
import io.aethercore.backup.internal.Envelope;
import io.aethercore.backup.internal.Restore;
import io.aethercore.backup.internal.Stores;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Backup and restore at the scale (docs/PERFORMANCE.md, "Backup and restore"), on the engine: the
 * same code {@code aether:backup} and {@code aether:restore} run, without the console and the bundle stops.
 *
 * <p>Stores (built once, cached in {@code $BACKUP_DATA} or /tmp/aethercore-backup-bench): an audit log of
 * {@code --audit N} records of about 570 bytes (a real record's size) in 64 MiB segments with its Merkle log
 * of record digests and signed checkpoints; a Gospel journal holding {@code --gospel N} entries of about 100
 * bytes, 500 per journal record (a batch), as the mesh journals them. Both BLAKE3 (the Merkle Vine default;
 * the mesh's journal uses SHA-256, see {@code --gospel-hash}).
 *
 * <p>Measures, per repetition: backup (cut, read, SHA-256 per item, AES-256-CBC, write to disk) and restore
 * (read, decrypt, stage to disk, verify frames, recompute every root, check the signed checkpoints and every
 * record's digest). Passphrase recipient (PBKDF2 with 200,000 iterations, once per run). Not JMH: one
 * operation takes seconds; wall clock per repetition is what an operator waits. Prints {@code RESULT} lines.
 *
 * <p>Usage: {@code BackupRestoreBench [--audit 1000000] [--gospel 1000000] [--reps 3] [--provider native|bc]}:
 * the restore hashes BLAKE3 through the native provider, as a node with it installed does, or BouncyCastle.
 */
public final class BackupRestoreBench {

    public static void main(String[] args) throws Exception {
        long audit = 1_000_000;
        long gospel = 1_000_000;
        int reps = 3;
        String gospelHash = "SHA-256";
        String provider = "native";
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--audit" -> audit = Long.parseLong(args[i + 1]);
                case "--gospel" -> gospel = Long.parseLong(args[i + 1]);
                case "--reps" -> reps = Integer.parseInt(args[i + 1]);
                case "--gospel-hash" -> gospelHash = args[i + 1];
                case "--provider" -> provider = args[i + 1];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path base = Path.of(System.getenv().getOrDefault("BACKUP_DATA", "/tmp/aethercore-backup-bench"))
                .resolve(audit + "-" + gospel);
        Stores stores = new Stores("BLAKE3");
        Stores gstores = new Stores(gospelHash);
        long t = System.nanoTime();
        Restore.deleteTree(base);
        Backup.AuditCut cut = stores.audit(base.resolve("audit/records"), base.resolve("audit/merkle"), audit,
                115_000, audit / 2);
        int perRecord = 500;
        long records = (gospel + perRecord - 1) / perRecord;
        final long entries = gospel;
        byte[] groot = gstores.merkleLog(base.resolve("gospel"), "gospel", records, r -> journalRecord(r, perRecord, entries));
        byte[] aroot = io.aethercore.backup.internal.MerkleLogFiles.verify(base.resolve("audit/merkle/entries.dat"), "x",
                "BLAKE3", java.util.Set.of(), null).root();
        System.out.printf("stores built in %d ms: %s%n", (System.nanoTime() - t) / 1_000_000, sizes(base));
        Backup.Plan plan = new Backup.Plan("bench", List.of(
                new Backup.LogCut("audit", base.resolve("audit/merkle"), audit, aroot),
                new Backup.LogCut("gospel", base.resolve("gospel"), records, groot)), cut,
                Map.of("gospel.size", Long.toString(gospel)));
        char[] pass = "benchmark passphrase 8.1".toCharArray();
        Path file = base.resolve("backup.aebak");
        List<Long> backups = new ArrayList<>();
        List<Long> restores = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            Files.deleteIfExists(file);
            long b0 = System.nanoTime();
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
                    OutputStream enc = Envelope.encrypt(o, new Envelope.PassphraseRecipient(pass.clone()))) {
                Backup.write(plan, enc);
            }
            long b1 = System.nanoTime();
            Path staging = base.resolve("staging");
            Restore.deleteTree(staging);
            Restore.Verified v;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
                v = Restore.stageAndVerify(Envelope.decrypt(in, new Envelope.PassphraseOpener(pass.clone())), staging,
                        provider.equals("bc") ? null : MerkleSupport.provider(provider));
            }
            long b2 = System.nanoTime();
            if (v.auditSize() != audit) {
                throw new IllegalStateException("restored " + v.auditSize());
            }
            Restore.deleteTree(staging);
            backups.add((b1 - b0) / 1_000_000);
            restores.add((b2 - b1) / 1_000_000);
            System.out.printf("rep %d: backup %d ms (%d MB file), restore+verify %d ms%n", r + 1, backups.get(r),
                    Files.size(file) >> 20, restores.get(r));
        }
        System.out.printf("RESULT provider=%s ", provider);
        System.out.printf("RESULT audit_records=%d gospel_entries=%d backup_bytes=%d backup_ms=%s restore_ms=%s%n",
                audit, gospel, Files.size(file), backups, restores);
    }

    /** A journal record: about 100 bytes per Gospel entry, {@code per} entries, plus a checkpoint-sized tail. */
    static byte[] journalRecord(long r, int per, long total) {
        StringBuilder sb = new StringBuilder(per * 104 + 300);
        long first = r * per;
        long n = Math.min(per, total - first);
        sb.append("author=fa-1;from=").append(first).append(";checkpoint=").append("c".repeat(240)).append('\n');
        for (long i = 0; i < n; i++) {
            sb.append("entry ").append(first + i).append(" NOTE maintenance window ticket ").append("x".repeat(60)).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String sizes(Path base) throws Exception {
        long[] total = {0};
        try (var s = Files.walk(base)) {
            s.filter(Files::isRegularFile).forEach(p -> total[0] += p.toFile().length());
        }
        return (total[0] >> 20) + " MB on disk";
    }
}
