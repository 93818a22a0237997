package io.aethercore.backup.internal;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.merkle.InvalidProofException;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.formats.merkle.CheckpointNotes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The audit log's record store (docs/audit.md, "Files") as a backup sees it: segments
 * {@code records-<first index>.seg} of frames {@code [u32 length][u32 CRC32C(length ‖ index ‖ data)][u64 index][data]},
 * {@code pruned.digests}, {@code checkpoints.log} ({@code <byte count>\n<signed note>} per published
 * checkpoint), {@code checkpoint.note} and {@code keys/<fingerprint>.pem}.
 */
public final class AuditFiles {

    public static final String PREFIX = "records-";
    public static final String SUFFIX = ".seg";
    public static final String PRUNED = "pruned.digests";
    public static final String CHECKPOINTS = "checkpoints.log";
    public static final String LATEST = "checkpoint.note";
    public static final String KEYS = "keys";
    static final int HEADER = 16;
    static final int MAX_RECORD = 16 * 1024 * 1024;
    static final int MAX_NOTE = 128 * 1024;

    private AuditFiles() {}

    /** A segment and how many of its bytes belong to the snapshot. */
    public record SegmentCut(Path file, long first, long bytes) {}

    /** The segments (in index order) and the prefix of each that holds records below {@code size}. */
    public static List<SegmentCut> cut(Path dir, long size) throws IOException {
        TreeMap<Long, Path> segs = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                try {
                    segs.put(Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length())), p);
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        }
        List<SegmentCut> out = new ArrayList<>();
        for (var e : segs.entrySet()) {
            long first = e.getKey();
            if (first >= size) {
                break;
            }
            long need = size - first;
            long pos = 0;
            long n = 0;
            try (FileChannel ch = FileChannel.open(e.getValue(), StandardOpenOption.READ)) {
                long len = ch.size();
                ByteBuffer h = ByteBuffer.allocate(4);
                while (n < need && pos + HEADER <= len) {
                    h.clear();
                    MerkleLogFiles.readFully(ch, h, pos);
                    long l = h.getInt(0) & 0xffffffffL;
                    if (pos + HEADER + l > len) {
                        break;
                    }
                    pos += HEADER + l;
                    n++;
                }
            }
            out.add(new SegmentCut(e.getValue(), first, pos));
        }
        return out;
    }

    /** The frames of {@code checkpoints.log} whose checkpoint covers at most {@code size} records. */
    public static byte[] checkpointsUpTo(Path file, long size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!Files.exists(file)) {
            return out.toByteArray();
        }
        byte[] all = Files.readAllBytes(file);
        for (Frame f : frames(all, CHECKPOINTS)) {
            if (f.note != null && f.note.checkpoint().size() <= size) {
                out.write(all, f.start, f.end - f.start);
            }
        }
        return out.toByteArray();
    }

    private record Frame(int start, int end, SignedCheckpoint note, String error) {}

    private static List<Frame> frames(byte[] all, String item) {
        List<Frame> out = new ArrayList<>();
        int pos = 0;
        while (pos < all.length) {
            int nl = pos;
            while (nl < all.length && nl - pos < 8 && all[nl] != '\n') {
                nl++;
            }
            int len;
            try {
                if (nl >= all.length || all[nl] != '\n') {
                    throw new NumberFormatException();
                }
                len = Integer.parseInt(new String(all, pos, nl - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                out.add(new Frame(pos, all.length, null, "checkpoint " + out.size() + ": bad frame length"));
                return out;
            }
            if (len <= 0 || len > MAX_NOTE || nl + 1 + len > all.length) {
                out.add(new Frame(pos, all.length, null, "checkpoint " + out.size() + ": truncated or oversized"));
                return out;
            }
            byte[] note = java.util.Arrays.copyOfRange(all, nl + 1, nl + 1 + len);
            SignedCheckpoint sc = null;
            String err = null;
            try {
                sc = CheckpointNotes.parse(note);
            } catch (InvalidProofException | RuntimeException e) {
                err = "checkpoint " + out.size() + ": " + e.getMessage();
            }
            out.add(new Frame(pos, nl + 1 + len, sc, err));
            pos = nl + 1 + len;
        }
        return out;
    }

    /** Parses every frame of a staged {@code checkpoints.log}; the first bad frame is refused. */
    public static List<SignedCheckpoint> parseCheckpoints(byte[] all, String item) throws BackupException {
        List<SignedCheckpoint> out = new ArrayList<>();
        for (Frame f : frames(all, item)) {
            if (f.note == null) {
                throw new BackupException(item, f.error);
            }
            out.add(f.note);
        }
        return out;
    }

    /** The public keys of a staged {@code keys/} folder (each file named by its fingerprint). */
    public static List<RawPublicKey> keys(Path keysDir, String itemPrefix) throws BackupException, IOException {
        List<RawPublicKey> out = new ArrayList<>();
        if (!Files.isDirectory(keysDir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(keysDir)) {
            for (Path p : ds) {
                String item = itemPrefix + p.getFileName();
                if (Files.size(p) > 64 * 1024) {
                    throw new BackupException(item, "larger than 64 KiB");
                }
                RawPublicKey k;
                try {
                    k = RawPublicKey.fromPem(Files.readString(p, StandardCharsets.US_ASCII));
                } catch (MalformedKeyException | java.nio.charset.MalformedInputException e) {
                    throw new BackupException(item, "not a public key: " + e.getMessage());
                }
                String name = p.getFileName().toString();
                if (!name.equals(k.fingerprint() + ".pem")) {
                    throw new BackupException(item, "the file name is not the key's fingerprint " + k.fingerprint());
                }
                out.add(k);
            }
        }
        return out;
    }

    /** Verifies a signed checkpoint with one of {@code keys} (JDK Ed25519 / ECDSA P-256). */
    public static RawPublicKey verifySignature(SignedCheckpoint cp, List<RawPublicKey> keys, String item)
            throws BackupException {
        for (SignedCheckpoint.Signature s : cp.signatures()) {
            for (RawPublicKey k : keys) {
                try {
                    CheckpointNotes.verify(cp, s.keyName(), k, AuditFiles::jdkVerify);
                    return k;
                } catch (InvalidProofException | RuntimeException e) {
                    // another key, or no valid signature
                }
            }
        }
        throw new BackupException(item, "checkpoint of size " + cp.checkpoint().size()
                + ": no valid signature by a key of the backup's keys/");
    }

    static void jdkVerify(RawPublicKey key, byte[] message, byte[] signature) throws Exception {
        String kf;
        String alg;
        if (key.algorithm() == KeyAlgorithm.ED25519) {
            kf = "Ed25519";
            alg = "Ed25519";
        } else if (key.algorithm() == KeyAlgorithm.ECDSA_P256) {
            kf = "EC";
            alg = "SHA256withECDSAinP1363Format";
        } else {
            throw new IllegalArgumentException("unsupported key " + key.algorithm().id());
        }
        PublicKey pk = KeyFactory.getInstance(kf).generatePublic(new X509EncodedKeySpec(key.toSpki()));
        Signature s = Signature.getInstance(alg);
        s.initVerify(pk);
        s.update(message);
        if (!s.verify(signature)) {
            throw new java.security.SignatureException("does not verify");
        }
    }

    /**
     * Reads staged segments as hostile bytes and checks each record against the audit tree's entries:
     * frame bounds, CRC32C, index = position, and {@code H(0x00 ‖ record)} = Merkle entry. Pruned digests are
     * compared likewise. Returns the number of records (pruned ones included).
     */
    public static long verifyRecords(Path staged, String itemPrefix, String algorithm, byte[] merkleEntries, long size,
            io.aethercore.api.crypto.HashService hashes) throws BackupException, IOException {
        TreeHash h = TreeHash.of(algorithm, hashes);
        long next = 0;
        Path pruned = staged.resolve(PRUNED);
        if (Files.exists(pruned)) {
            long len = Files.size(pruned);
            String item = itemPrefix + PRUNED;
            if (len % 32 != 0 || len / 32 > size) {
                throw new BackupException(item, "length " + len + " is not a whole number of digests within the size");
            }
            byte[] d = Files.readAllBytes(pruned);
            for (int i = 0; i < d.length; i += 32) {
                if (!equal(d, i, merkleEntries, i)) {
                    throw new BackupException(item, "digest of record " + (i / 32) + " does not match the audit tree");
                }
            }
            next = len / 32;
        }
        List<SegmentCut> segs = cut(staged, Long.MAX_VALUE);
        CRC32C crc = new CRC32C();
        for (SegmentCut s : segs) {
            String item = itemPrefix + s.file().getFileName();
            if (s.first() > next) {
                throw new BackupException(itemPrefix + PREFIX + next + SUFFIX, "missing: records " + next + " to "
                        + (s.first() - 1) + " are not in the backup");
            }
            if (s.first() < next) {
                throw new BackupException(item, "starts at record " + s.first() + ", which an earlier segment holds");
            }
            long fileLen = Files.size(s.file());
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(s.file()), 1 << 20)) {
                byte[] head = new byte[HEADER];
                byte[] data = new byte[8192];
                long pos = 0;
                while (pos < fileLen) {
                    if (in.readNBytes(head, 0, HEADER) < HEADER) {
                        throw new BackupException(item, "record " + next + ": truncated frame header");
                    }
                    ByteBuffer b = ByteBuffer.wrap(head);
                    long len = b.getInt(0) & 0xffffffffL;
                    int stored = b.getInt(4);
                    long index = b.getLong(8);
                    if (len > MAX_RECORD || pos + HEADER + len > fileLen) {
                        throw new BackupException(item, "record " + next + ": length " + len + " out of range");
                    }
                    if (data.length < len) {
                        data = new byte[(int) len];
                    }
                    if (in.readNBytes(data, 0, (int) len) < len) {
                        throw new BackupException(item, "record " + next + ": truncated");
                    }
                    crc.reset();
                    crc.update(head, 0, 4);
                    crc.update(head, 8, 8);
                    crc.update(data, 0, (int) len);
                    if ((int) crc.getValue() != stored) {
                        throw new BackupException(item, "record " + next + ": frame checksum mismatch");
                    }
                    if (index != next) {
                        throw new BackupException(item, "record at position " + next + " carries index " + index);
                    }
                    if (next >= size) {
                        throw new BackupException(item, "record " + next + " is beyond the backup's cut of " + size);
                    }
                    byte[] digest = h.leaf(data, 0, (int) len);
                    if (!equal(digest, 0, merkleEntries, next * 32)) {
                        throw new BackupException(item, "record " + next + " does not match its Merkle entry (changed record)");
                    }
                    pos += HEADER + len;
                    next++;
                }
            }
        }
        if (next != size) {
            throw new BackupException(itemPrefix + (segs.isEmpty() ? PREFIX + "0" + SUFFIX
                    : segs.get(segs.size() - 1).file().getFileName()),
                    "holds records up to " + next + " but the signed checkpoint covers " + size + " (records missing)");
        }
        return next;
    }

    private static boolean equal(byte[] a, long aOff, byte[] b, long bOff) {
        if (bOff + 32 > b.length || aOff + 32 > a.length) {
            return false;
        }
        return MessageDigest.isEqual(java.util.Arrays.copyOfRange(a, (int) aOff, (int) aOff + 32),
                java.util.Arrays.copyOfRange(b, (int) bOff, (int) bOff + 32));
    }
}
