package io.aethercore.audit.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The record store: audit records in append-only segment files {@code records-<first index>.seg},
 * each record framed as {@code [u32 length][u32 CRC32C(length ‖ index ‖ data)][u64 index][data]}
 * (big-endian). Retention drops whole old segments and keeps their records' digests (the Merkle
 * entries) in {@code pruned.digests}, so the tree can still be recomputed.
 *
 * <p>Single writer (the audit committer thread); reads run concurrently through positional reads.
 * Opening scans every frame and stops at the first that is not valid: what follows is reported
 * ({@link #damage()}) and left alone; the caller decides whether it is a torn, unacknowledged tail to
 * cut ({@link #truncateDamagedTail()}) or damage to report.
 */
public final class RecordStore implements AutoCloseable {

    public static final int HEADER = 16;
    static final String PREFIX = "records-";
    static final String SUFFIX = ".seg";
    static final String PRUNED = "pruned.digests";
    static final int DIGEST = 32;

    /** Where the scan stopped, and why. */
    public record Damage(long index, Path segment, long offset, String reason) {}

    private static final class Segment {
        final long first;
        final Path path;
        final FileChannel channel;
        long count;
        long bytes;

        Segment(long first, Path path, FileChannel channel) {
            this.first = first;
            this.path = path;
            this.channel = channel;
        }
    }

    private final Path dir;
    private final long maxSegmentBytes;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private long prunedCount;
    private volatile long size;
    private long[] offsets = new long[1024]; // offsets[i - prunedCount]
    private Damage damage;
    private final ByteBuffer header = ByteBuffer.allocate(HEADER);

    private RecordStore(Path dir, long maxSegmentBytes) {
        this.dir = dir;
        this.maxSegmentBytes = maxSegmentBytes;
    }

    /** Opens (creating) the store in {@code dir}, scanning every frame. */
    public static RecordStore open(Path dir, long maxSegmentBytes) throws IOException {
        Files.createDirectories(dir);
        RecordStore s = new RecordStore(dir, maxSegmentBytes);
        s.load();
        return s;
    }

    private void load() throws IOException {
        Path pruned = dir.resolve(PRUNED);
        if (Files.exists(pruned)) {
            long len = Files.size(pruned);
            if (len % DIGEST != 0) {
                throw new IOException(pruned + " is " + len + " bytes, not a multiple of " + DIGEST);
            }
            prunedCount = len / DIGEST;
        }
        List<Long> firsts = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                try {
                    firsts.add(Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length())));
                } catch (NumberFormatException e) {
                    throw new IOException("unexpected file " + p + " in the audit record store");
                }
            }
        }
        firsts.sort(null);
        // finish a prune interrupted after pruned.digests was written: drop segments wholly below it
        for (int i = 0; i + 1 < firsts.size(); i++) {
            if (firsts.get(i + 1) <= prunedCount) {
                Files.deleteIfExists(segmentPath(firsts.get(i)));
            }
        }
        firsts.removeIf(f -> !Files.exists(segmentPath(f)));
        size = prunedCount;
        for (int i = 0; i < firsts.size(); i++) {
            long first = firsts.get(i);
            if (damage != null) {
                damage = new Damage(damage.index(), damage.segment(), damage.offset(), damage.reason()
                        + "; later segment " + segmentPath(first).getFileName() + " not read");
                break;
            }
            if (i == 0 ? first > size : first != size) {
                damage = new Damage(size, segmentPath(first), 0, "segment " + segmentPath(first).getFileName()
                        + " starts at index " + first + " but the previous records end at " + size
                        + (first > size ? " (records missing)" : " (records overlap)"));
                break;
            }
            Segment seg = new Segment(first, segmentPath(first), FileChannel.open(segmentPath(first),
                    StandardOpenOption.READ, StandardOpenOption.WRITE));
            segments.put(first, seg);
            scan(seg);
        }
    }

    private Path segmentPath(long first) {
        return dir.resolve(String.format("%s%020d%s", PREFIX, first, SUFFIX));
    }

    private void scan(Segment seg) throws IOException {
        long fileSize = seg.channel.size();
        long pos = 0;
        long expected = seg.first;
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        while (pos < fileSize) {
            String bad = null;
            byte[] data = null;
            long idx = -1;
            if (fileSize - pos < HEADER) {
                bad = "truncated frame header";
            } else {
                h.clear();
                readFully(seg.channel, h, pos);
                h.flip();
                int len = h.getInt();
                int crc = h.getInt();
                idx = h.getLong();
                if (len < 0 || len > RecordCodec.MAX_RECORD_BYTES || pos + HEADER + len > fileSize) {
                    bad = "frame length " + Integer.toUnsignedString(len) + " does not fit the file";
                } else {
                    data = new byte[len];
                    readFully(seg.channel, ByteBuffer.wrap(data), pos + HEADER);
                    if (crc(len, idx, data) != crc) {
                        bad = "frame checksum mismatch";
                    } else if (idx != expected) {
                        bad = "frame carries index " + idx + " at position " + expected
                                + (idx > expected ? " (records deleted before it)" : " (record inserted or reordered)");
                    }
                }
            }
            if (bad != null) {
                damage = new Damage(expected, seg.path, pos, "record " + expected + " in " + seg.path.getFileName()
                        + " at byte " + pos + ": " + bad);
                break;
            }
            if (expected >= prunedCount) {
                addOffset(expected, pos);
            }
            seg.count++;
            pos += HEADER + data.length;
            expected++;
        }
        seg.bytes = pos;
        size = Math.max(size, expected);
    }

    private void addOffset(long index, long offset) {
        int i = Math.toIntExact(index - prunedCount);
        if (i >= offsets.length) {
            offsets = Arrays.copyOf(offsets, Math.max(offsets.length * 2, i + 1));
        }
        offsets[i] = offset;
    }

    static int crc(int len, long index, byte[] data) {
        CRC32C c = new CRC32C();
        ByteBuffer b = ByteBuffer.allocate(12).putInt(len).putLong(index);
        c.update(b.array());
        c.update(data);
        return (int) c.getValue();
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    /** Where the opening scan stopped before the end of the files, or null. */
    public synchronized Damage damage() {
        return damage;
    }

    /** Cuts everything from the damage point on (a torn, never acknowledged tail), and syncs. */
    public synchronized void truncateDamagedTail() throws IOException {
        if (damage == null) {
            return;
        }
        Segment last = segments.lastEntry() == null ? null : segments.lastEntry().getValue();
        if (last == null || !last.path.equals(damage.segment())) {
            throw new IOException("damage is not in the last segment: " + damage.reason());
        }
        last.channel.truncate(damage.offset());
        last.channel.force(true);
        last.bytes = damage.offset();
        damage = null;
    }

    /** Number of records ever stored (pruned ones included). */
    public long size() {
        return size;
    }

    /** Records whose bodies were dropped by retention: indexes {@code 0 .. prunedCount-1}. */
    public synchronized long prunedCount() {
        return prunedCount;
    }

    /**
     * Appends records at indexes {@code size() ..}; not durable until {@link #sync()}.
     *
     * @throws IOException leaving the store unusable for appends (the caller stops)
     */
    public synchronized void append(List<byte[]> records) throws IOException {
        if (damage != null) {
            throw new IOException("the record store is damaged (" + damage.reason() + "); run aether:audit-check");
        }
        Segment seg = segments.isEmpty() ? null : segments.lastEntry().getValue();
        if (seg == null || seg.bytes >= maxSegmentBytes) {
            seg = newSegment(size);
        }
        int total = 0;
        for (byte[] r : records) {
            total += HEADER + r.length;
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        long idx = size;
        long pos = seg.bytes;
        for (byte[] r : records) {
            addOffset(idx, pos + out.position());
            out.putInt(r.length).putInt(crc(r.length, idx, r)).putLong(idx).put(r);
            idx++;
        }
        out.flip();
        writeFully(seg.channel, out, seg.bytes);
        seg.bytes += total;
        seg.count += records.size();
        size = idx;
    }

    private Segment newSegment(long first) throws IOException {
        Path p = segmentPath(first);
        Segment seg = new Segment(first, p, FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
        segments.put(first, seg);
        fsyncDir();
        return seg;
    }

    /** Makes every appended record durable. */
    public void sync() throws IOException {
        Segment seg;
        synchronized (this) {
            seg = segments.isEmpty() ? null : segments.lastEntry().getValue();
        }
        if (seg != null) {
            seg.channel.force(false);
        }
    }

    /** The stored bytes of record {@code index}, or null if retention dropped it. */
    public byte[] read(long index) throws IOException {
        Segment seg;
        long off;
        synchronized (this) {
            if (index < 0 || index >= size) {
                throw new IllegalArgumentException("record index " + index + " is not in 0.." + (size - 1));
            }
            if (index < prunedCount) {
                return null;
            }
            Map.Entry<Long, Segment> e = segments.floorEntry(index);
            seg = e.getValue();
            off = offsets[Math.toIntExact(index - prunedCount)];
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        readFully(seg.channel, h, off);
        h.flip();
        int len = h.getInt();
        int crc = h.getInt();
        long idx = h.getLong();
        if (len < 0 || len > RecordCodec.MAX_RECORD_BYTES) {
            throw new IOException("record " + index + ": frame length changed on disk");
        }
        byte[] data = new byte[len];
        readFully(seg.channel, ByteBuffer.wrap(data), off + HEADER);
        if (idx != index || crc(len, idx, data) != crc) {
            throw new IOException("record " + index + ": frame changed on disk (checksum or index mismatch)");
        }
        return data;
    }

    /** Digests of pruned records, in index order. */
    public synchronized byte[] prunedDigests() throws IOException {
        Path p = dir.resolve(PRUNED);
        return Files.exists(p) ? Files.readAllBytes(p) : new byte[0];
    }

    /** Sealed segments (every one but the last), oldest first: first index and record count. */
    public synchronized List<long[]> sealedSegments() {
        List<long[]> out = new ArrayList<>();
        Segment last = segments.isEmpty() ? null : segments.lastEntry().getValue();
        for (Segment s : segments.values()) {
            if (s != last) {
                out.add(new long[] {s.first, s.count, s.bytes});
            }
        }
        return out;
    }

    /**
     * Drops the segments wholly below {@code upTo} (a segment boundary), after writing the digests of
     * their records to {@code pruned.digests} durably.
     *
     * @param digests the digests of records {@code prunedCount() .. upTo-1}, concatenated
     * @return bytes freed
     */
    public synchronized long prune(long upTo, byte[] digests) throws IOException {
        if (upTo <= prunedCount) {
            return 0;
        }
        if (!segments.containsKey(upTo) || digests.length != (upTo - prunedCount) * DIGEST) {
            throw new IllegalArgumentException("prune must end at a segment boundary with one digest per record");
        }
        Path target = dir.resolve(PRUNED);
        Path tmp = dir.resolve(PRUNED + ".tmp");
        byte[] old = prunedDigests();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            writeFully(ch, ByteBuffer.wrap(old), 0);
            writeFully(ch, ByteBuffer.wrap(digests), old.length);
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDir();
        long freed = 0;
        int drop = Math.toIntExact(upTo - prunedCount);
        for (Segment s : new ArrayList<>(segments.headMap(upTo, false).values())) {
            s.channel.close();
            freed += s.bytes;
            Files.deleteIfExists(s.path);
            segments.remove(s.first);
        }
        fsyncDir();
        offsets = Arrays.copyOfRange(offsets, drop, Math.max(drop + 1024, offsets.length));
        prunedCount = upTo;
        return freed;
    }

    /**
     * Copies the records {@code 0 .. upTo-1} (segments and the pruned digests) into {@code out}; the
     * active segment is cut at the frame boundary of {@code upTo}.
     */
    public void exportTo(Path out, long upTo) throws IOException {
        Files.createDirectories(out);
        List<Segment> copy;
        long cut;
        synchronized (this) {
            if (upTo > size) {
                throw new IllegalArgumentException("only " + size + " records are stored");
            }
            copy = new ArrayList<>(segments.values());
            cut = upTo < size && upTo >= prunedCount ? offsets[Math.toIntExact(upTo - prunedCount)] : -1;
            Path pruned = dir.resolve(PRUNED);
            if (Files.exists(pruned)) {
                Files.copy(pruned, out.resolve(PRUNED), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (Segment seg : copy) {
            if (seg.first >= upTo) {
                continue;
            }
            boolean partial = seg.first + seg.count > upTo;
            long length = partial ? cut : seg.bytes;
            try (FileChannel dst = FileChannel.open(out.resolve(seg.path.getFileName()), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                long done = 0;
                while (done < length) {
                    done += seg.channel.transferTo(done, length - done, dst);
                }
            }
        }
    }

    private void fsyncDir() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some file systems cannot sync a directory; the data files themselves are synced
        }
    }

    public Path directory() {
        return dir;
    }

    @Override
    public synchronized void close() throws IOException {
        for (Segment s : segments.values()) {
            s.channel.close();
        }
        segments.clear();
    }
}
