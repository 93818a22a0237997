package io.aethercore.backup.internal;

import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.merkle.Checkpoint;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.formats.merkle.CheckpointNotes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Stores on disk in the formats of the Merkle Vine and the audit log (docs/merkle-vine.md, docs/audit.md),
 * written directly, for the engine's tests and the benchmark. The IT checks the same code against the
 * files real nodes write.
 */
public final class Stores {

    final TreeHash h;
    final KeyPair key;
    final RawPublicKey pub;

    public Stores(String algorithm) throws Exception {
        h = TreeHash.of(algorithm);
        key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        pub = RawPublicKey.fromSpki(key.getPublic().getEncoded());
    }

    /** A Merkle log with {@code n} entries made by {@code entry}; returns its root. */
    public byte[] merkleLog(Path dir, String name, long n, java.util.function.LongFunction<byte[]> entry) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("log.properties"), "format=aethercore-merkle-vine/1\nname=" + name
                + "\nalgorithm=" + h.algorithm() + "\n");
        TreeHash.Frontier f = new TreeHash.Frontier(h);
        try (OutputStream e = new java.io.BufferedOutputStream(Files.newOutputStream(dir.resolve("entries.dat")), 1 << 20);
                OutputStream x = new java.io.BufferedOutputStream(Files.newOutputStream(dir.resolve("entries.idx")), 1 << 20)) {
            long off = 0;
            CRC32C c = new CRC32C();
            for (long i = 0; i < n; i++) {
                byte[] d = entry.apply(i);
                byte[] head = ByteBuffer.allocate(8).putInt(d.length).putInt(0).array();
                c.reset();
                c.update(head, 0, 4);
                c.update(d);
                ByteBuffer.wrap(head).putInt(4, (int) c.getValue());
                e.write(head);
                e.write(d);
                x.write(ByteBuffer.allocate(8).putLong(off).array());
                off += 8 + d.length;
                f.push(h.leaf(d, 0, d.length));
            }
        }
        return f.root();
    }

    public static byte[] record(long i) {
        return ("{\"v\":1,\"event_id\":\"" + i + "\",\"action\":\"Test\",\"target\":\"t" + i
                + "\",\"padding\":\"" + "x".repeat(480) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** An audit store of {@code n} records (segments of {@code perSegment}), its Merkle log, and signed checkpoints. */
    public Backup.AuditCut audit(Path records, Path merkle, long n, long perSegment, long... publishedAt) throws Exception {
        Files.createDirectories(records.resolve("keys"));
        Files.writeString(records.resolve("keys/" + pub.fingerprint() + ".pem"), pub.toPem());
        List<byte[]> digests = new ArrayList<>();
        CRC32C c = new CRC32C();
        OutputStream seg = null;
        try {
            for (long i = 0; i < n; i++) {
                if (i % perSegment == 0) {
                    if (seg != null) {
                        seg.close();
                    }
                    seg = new java.io.BufferedOutputStream(Files.newOutputStream(records.resolve("records-" + i + ".seg")), 1 << 20);
                }
                byte[] d = record(i);
                ByteBuffer head = ByteBuffer.allocate(16).putInt(d.length).putInt(0).putLong(i);
                c.reset();
                c.update(head.array(), 0, 4);
                c.update(head.array(), 8, 8);
                c.update(d);
                head.putInt(4, (int) c.getValue());
                seg.write(head.array());
                seg.write(d);
                digests.add(h.leaf(d, 0, d.length));
            }
        } finally {
            if (seg != null) {
                seg.close();
            }
        }
        merkleLog(merkle, "audit", n, i -> digests.get((int) i));
        StringBuilder log = new StringBuilder();
        byte[] last = null;
        for (long s : publishedAt) {
            byte[] note = note(s, digests);
            log.append(note.length).append('\n').append(new String(note, StandardCharsets.UTF_8));
        }
        last = note(n, digests);
        log.append(last.length).append('\n').append(new String(last, StandardCharsets.UTF_8));
        Files.writeString(records.resolve("checkpoints.log"), log.toString());
        Files.write(records.resolve("checkpoint.note"), last);
        return new Backup.AuditCut(records, n, last, "audit");
    }

    byte[] note(long size, List<byte[]> digests) throws Exception {
        TreeHash.Frontier f = new TreeHash.Frontier(h);
        for (int i = 0; i < size; i++) {
            f.push(h.leaf(digests.get(i), 0, 32));
        }
        return sign(new Checkpoint("aethercore/test/audit", size, f.root(), Instant.now()));
    }

    byte[] sign(Checkpoint cp) throws Exception {
        SignedCheckpoint sc = CheckpointNotes.sign(cp, "aethercore/test/audit", pub, m -> {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key.getPrivate());
            s.update(m);
            return s.sign();
        });
        return CheckpointNotes.toNote(sc).getBytes(StandardCharsets.UTF_8);
    }
}
