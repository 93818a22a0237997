package io.aethercore.backup.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * A Merkle Vine log's files (docs/merkle-vine.md) as a backup sees them. The source of truth is
 * {@code entries.dat} ({@code [u32 length][u32 CRC32C(length ‖ data)][data]} per entry), which is
 * append-only: the first {@code n} entries of a log whose durable size is at least {@code n} are a
 * prefix of that file that no later append changes. That prefix (found through {@code entries.idx})
 * plus {@code log.properties} is the snapshot. The derived files ({@code entries.idx}, {@code nodes.dat},
 * {@code commit.mark}) are not copied: the log rebuilds them from the entries when it opens a
 * directory without a commit mark.
 */
public final class MerkleLogFiles {

    public static final String ENTRIES = "entries.dat";
    public static final String INDEX = "entries.idx";
    public static final String META = "log.properties";
    static final long MAX_ENTRY = Integer.MAX_VALUE - 16;

    private MerkleLogFiles() {}

    /** The byte length of the prefix of {@code entries.dat} that holds the first {@code size} entries. */
    public static long prefixLength(Path dir, long size) throws IOException {
        if (size == 0) {
            return 0;
        }
        try (FileChannel idx = FileChannel.open(dir.resolve(INDEX), StandardOpenOption.READ);
                FileChannel ent = FileChannel.open(dir.resolve(ENTRIES), StandardOpenOption.READ)) {
            if (idx.size() < size * 8) {
                throw new IOException(dir + ": entries.idx holds fewer than " + size + " entries");
            }
            ByteBuffer b = ByteBuffer.allocate(8);
            readFully(idx, b, (size - 1) * 8);
            long off = b.getLong(0);
            ByteBuffer h = ByteBuffer.allocate(8);
            readFully(ent, h, off);
            long len = h.getInt(0) & 0xffffffffL;
            long end = off + 8 + len;
            if (end > ent.size()) {
                throw new IOException(dir + ": entry " + (size - 1) + " runs past the end of entries.dat");
            }
            return end;
        }
    }

    /** Copies the first {@code length} bytes of {@code file} into {@code out}. */
    public static void copyPrefix(Path file, long length, OutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            long left = length;
            while (left > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    throw new IOException(file + " is shorter than " + length + " bytes");
                }
                out.write(buf, 0, r);
                left -= r;
            }
        }
    }

    static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    /** Reads {@code log.properties} and returns its hash algorithm (refusing a file that is not one). */
    public static String algorithm(byte[] meta, String item) throws BackupException {
        Properties p = new Properties();
        try {
            p.load(new java.io.ByteArrayInputStream(meta));
        } catch (IOException | IllegalArgumentException e) {
            throw new BackupException(item, "not a properties file");
        }
        if (!"aethercore-merkle-vine/1".equals(p.getProperty("format"))) {
            throw new BackupException(item, "not an AetherCore Merkle log description (format " + p.getProperty("format") + ")");
        }
        String a = p.getProperty("algorithm");
        TreeHash.of(a);
        return a;
    }

    /** Visits each entry of a log being verified. */
    public interface EntryVisitor {
        void entry(long index, byte[] data, int off, int len) throws BackupException;
    }

    /** What a verification found. */
    public record Verified(long size, byte[] root, Map<Long, byte[]> rootsAt) {}

    /**
     * Reads an {@code entries.dat} as hostile bytes: every frame must fit, respect the size limit and match
     * its CRC32C; recomputes the tree, and the roots at the sizes asked for.
     */
    public static Verified verify(Path entries, String item, String algorithm, java.util.Set<Long> rootSizes,
            EntryVisitor visitor) throws BackupException, IOException {
        return verify(entries, item, algorithm, rootSizes, visitor, null);
    }

    /** {@link #verify(Path, String, String, java.util.Set, EntryVisitor)} hashing BLAKE3 through {@code hashes}. */
    public static Verified verify(Path entries, String item, String algorithm, java.util.Set<Long> rootSizes,
            EntryVisitor visitor, io.aethercore.api.crypto.HashService hashes) throws BackupException, IOException {
        TreeHash h = TreeHash.of(algorithm, hashes);
        TreeHash.Frontier f = new TreeHash.Frontier(h);
        Map<Long, byte[]> roots = new TreeMap<>();
        if (rootSizes.contains(0L)) {
            roots.put(0L, f.root());
        }
        CRC32C crc = new CRC32C();
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(entries), 1 << 20)) {
            byte[] head = new byte[8];
            byte[] data = new byte[4096];
            long index = 0;
            while (true) {
                int r = in.readNBytes(head, 0, 8);
                if (r == 0) {
                    break;
                }
                if (r < 8) {
                    throw new BackupException(item, "entry " + index + ": truncated frame header");
                }
                long len = ((head[0] & 0xffL) << 24) | ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8) | (head[3] & 0xff);
                if (len > MAX_ENTRY) {
                    throw new BackupException(item, "entry " + index + ": length " + len + " out of range");
                }
                if (data.length < len) {
                    data = new byte[(int) Math.max(len, data.length * 2L > MAX_ENTRY ? len : data.length * 2L)];
                }
                if (in.readNBytes(data, 0, (int) len) < len) {
                    throw new BackupException(item, "entry " + index + ": truncated");
                }
                crc.reset();
                crc.update(head, 0, 4);
                crc.update(data, 0, (int) len);
                int stored = ((head[4] & 0xff) << 24) | ((head[5] & 0xff) << 16) | ((head[6] & 0xff) << 8) | (head[7] & 0xff);
                if ((int) crc.getValue() != stored) {
                    throw new BackupException(item, "entry " + index + ": frame checksum mismatch");
                }
                if (visitor != null) {
                    visitor.entry(index, data, 0, (int) len);
                }
                f.push(h.leaf(data, 0, (int) len));
                index++;
                if (rootSizes.contains(index)) {
                    roots.put(index, f.root());
                }
            }
        }
        return new Verified(f.size(), f.root(), roots);
    }
}
