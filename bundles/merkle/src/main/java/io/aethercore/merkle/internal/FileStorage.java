package io.aethercore.merkle.internal;

import io.aethercore.api.crypto.HashAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Properties;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A log on disk: three append-only files and a commit mark (see docs/merkle-vine.md).
 *
 * <ul>
 *   <li>{@code entries.dat}: records {@code [u32 length][u32 CRC32C(length || data)][data]}, the
 *       source of truth;</li>
 *   <li>{@code entries.idx}: the {@code u64} offset of every record, for random access;</li>
 *   <li>{@code nodes.dat}: every node hash in completion order ({@link TreeMath}), 32 bytes each, so
 *       that no proof ever recomputes a subtree from its leaves;</li>
 *   <li>{@code commit.mark}: two alternating 32-byte slots with the size of the last completed
 *       sync (written after the sync, never needed for correctness, only to bound recovery).</li>
 * </ul>
 *
 * <p>Recovery on open trusts everything up to the commit mark and replays the tail from {@code
 * entries.dat}: each record is checked (length bound, CRC), its hashes recomputed and compared with
 * what {@code entries.idx} and {@code nodes.dat} hold; derived data that is missing or wrong is
 * rewritten, and a torn tail is cut with a log line that says what was cut. Acknowledged appends
 * were synced before the acknowledgement, so they are always found again.
 */
final class FileStorage implements LogStorage {

    private static final Logger LOG = LoggerFactory.getLogger(FileStorage.class);

    static final String ENTRIES = "entries.dat";
    static final String INDEX = "entries.idx";
    static final String NODES = "nodes.dat";
    static final String MARK = "commit.mark";
    static final String META = "log.properties";
    static final String LOCK = "lock";
    static final String FORMAT = "aethercore-merkle-vine/1";
    private static final int MARK_MAGIC = 0x41564d4b; // "AVMK"
    /**
     * Longest record data the format can hold (a Java array). Stored records are bounded by this and
     * by the file, never by the configured entry limit: that limit applies to new appends only, and
     * lowering it must not turn existing entries into "torn" ones.
     */
    static final long MAX_RECORD = Integer.MAX_VALUE - 16;

    private final String name;
    private final Path dir;
    private final int maxEntryBytes;
    private final FileChannel entries;
    private final FileChannel index;
    private final FileChannel nodes;
    private final FileChannel mark;
    private final MappedReader nodeReader;
    private final MappedReader indexReader;

    // guarded by this
    private final GrowBuffer pendEntries = new GrowBuffer(64 * 1024);
    private final GrowBuffer pendIndex = new GrowBuffer(8 * 1024);
    private final GrowBuffer pendNodes = new GrowBuffer(32 * 1024);
    private long entryBytes;
    private long nodeCount;
    private volatile long flushedEntryBytes;
    private volatile long flushedIndex;
    private volatile long flushedNodes;
    private long markSeq;

    private volatile long size;
    private volatile long durable;
    private final CRC32C crc = new CRC32C();

    /** Held while the log is open: one writer per directory, across processes too. */
    private final FileChannel lockChannel;

    private FileStorage(String name, Path dir, int maxEntryBytes, FileChannel lockChannel) throws IOException {
        this.lockChannel = lockChannel;
        this.name = name;
        this.dir = dir;
        this.maxEntryBytes = maxEntryBytes;
        this.entries = open(dir.resolve(ENTRIES));
        this.index = open(dir.resolve(INDEX));
        this.nodes = open(dir.resolve(NODES));
        this.mark = open(dir.resolve(MARK));
        this.nodeReader = new MappedReader(nodes);
        this.indexReader = new MappedReader(index);
    }

    private static FileChannel open(Path p) throws IOException {
        return FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Result of opening: the storage and what recovery did. */
    record Opened(FileStorage storage, Frontier frontier, long replayed, long cutBytes) {}

    /**
     * Opens (or creates) the log in {@code dir} and recovers it.
     *
     * @throws IOException if the files cannot be used; the message says which and why
     */
    static Opened open(String name, Path dir, HashAlgorithm algorithm, TreeHasher hasher, int maxEntryBytes)
            throws IOException {
        Files.createDirectories(dir);
        FileChannel lock = lock(name, dir);
        FileStorage s;
        try {
            checkMeta(name, dir, algorithm);
            s = new FileStorage(name, dir, maxEntryBytes, lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        try {
            return s.recover(hasher);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Takes the directory's lock file, or fails saying the log is open elsewhere. */
    private static FileChannel lock(String name, Path dir) throws IOException {
        FileChannel ch = open(dir.resolve(LOCK));
        try {
            if (ch.tryLock() != null) {
                return ch;
            }
        } catch (java.nio.channels.OverlappingFileLockException e) {
            // held by this JVM
        }
        ch.close();
        throw new IOException("log '" + name + "' in " + dir + " is already open (by this or another process);"
                + " a log directory has one writer");
    }

    private static void checkMeta(String name, Path dir, HashAlgorithm algorithm) throws IOException {
        Path meta = dir.resolve(META);
        if (Files.exists(meta)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(meta)) {
                p.load(in);
            }
            if (!FORMAT.equals(p.getProperty("format"))) {
                throw new IOException(meta + " is not an AetherCore Merkle log (format " + p.getProperty("format") + ")");
            }
            String stored = p.getProperty("algorithm");
            if (!algorithm.id().equals(stored)) {
                throw new IOException("log '" + name + "' in " + dir + " was created with " + stored
                        + " and is configured for " + algorithm.id() + "; a log's hash function never changes:"
                        + " fix the configuration or use another directory");
            }
            return;
        }
        if (Files.exists(dir.resolve(ENTRIES)) && Files.size(dir.resolve(ENTRIES)) > 0) {
            throw new IOException(dir + " holds log data but no " + META + "; refusing to guess its hash function");
        }
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("name", name);
        p.setProperty("algorithm", algorithm.id());
        p.setProperty("created", Instant.now().toString());
        Path tmp = dir.resolve(META + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "AetherCore Merkle Vine log; do not edit");
        }
        Files.move(tmp, meta, StandardCopyOption.ATOMIC_MOVE);
    }

    private Opened recover(TreeHasher hasher) throws IOException {
        long t0 = System.nanoTime();
        long entriesLen = entries.size();
        long idxCount = index.size() / 8;
        long nodesCount = nodes.size() / 32;

        long start = readMark(entriesLen, idxCount, nodesCount, hasher);
        Frontier frontier = Frontier.load(start, (pos, out) -> readFileFully(nodes, pos * 32, out));
        long offset = 0;
        if (start > 0) {
            long last = readIndexFromFile(start - 1);
            offset = last + 8 + readInt(entries, last);
        }

        long n = start;
        byte[][] made = new byte[65][];
        byte[] header = new byte[8];
        byte[] stored = new byte[32];
        while (offset + 8 <= entriesLen) {
            readFileFully(entries, offset, header);
            long len = readInt(header, 0) & 0xffffffffL;
            if (len > MAX_RECORD || offset + 8 + len > entriesLen) {
                break;
            }
            byte[] data = new byte[(int) len];
            readFileFully(entries, offset + 8, data);
            if (checksum(header, data) != readInt(header, 4)) {
                break;
            }
            int count = frontier.push(hasher.leaf(data), hasher, made);
            if (n < idxCount && readIndexFromFile(n) != offset) {
                idxCount = n;
            }
            if (n >= idxCount) {
                pendIndex.putLong(offset);
            }
            long pos = TreeMath.storedNodes(n);
            for (int k = 0; k < count; k++) {
                if (pos + k < nodesCount) {
                    readFileFully(nodes, (pos + k) * 32, stored);
                    if (!MessageDigest.isEqual(stored, made[k])) {
                        nodesCount = pos + k;
                    }
                }
                if (pos + k >= nodesCount) {
                    pendNodes.put(made[k], 0, 32);
                }
            }
            n++;
            offset += 8 + len;
        }
        long cut = entriesLen - offset;
        if (cut > 0) {
            LOG.warn("Merkle log '{}': cut a torn or damaged tail of {} bytes from {} after entry {}"
                    + " (appends that were never acknowledged)", name, cut, ENTRIES, n - 1);
            entries.truncate(offset);
        }
        if (index.size() > idxCount * 8) {
            LOG.warn("Merkle log '{}': rewrote {} index records after entry {}", name,
                    index.size() / 8 - idxCount, idxCount - 1);
        }
        index.truncate(Math.min(idxCount, n) * 8);
        if (nodes.size() > nodesCount * 32) {
            LOG.warn("Merkle log '{}': rewrote {} node hashes beyond position {}", name,
                    nodes.size() / 32 - nodesCount, nodesCount);
        }
        nodes.truncate(Math.min(nodesCount, TreeMath.storedNodes(n)) * 32);

        // drop pending records that the files already hold (only the tail beyond the valid prefix is pending)
        entryBytes = offset;
        flushedEntryBytes = offset;
        flushedIndex = index.size() / 8;
        flushedNodes = nodes.size() / 32;
        nodeCount = TreeMath.storedNodes(n);
        size = n;
        if (flushedIndex + pendIndex.length() / 8 != n || flushedNodes + pendNodes.length() / 32 != nodeCount) {
            throw new IOException("Merkle log '" + name + "': recovery bookkeeping mismatch (index "
                    + flushedIndex + "+" + pendIndex.length() / 8 + ", nodes " + flushedNodes + "+"
                    + pendNodes.length() / 32 + " for " + n + " entries)");
        }
        sync();
        long replayed = n - start;
        LOG.info("Merkle log '{}' opened: {} entries, {} replayed after the commit mark, in {} ms", name, n,
                replayed, (System.nanoTime() - t0) / 1_000_000);
        return new Opened(this, frontier, replayed, Math.max(cut, 0));
    }

    /** The size of the last completed sync, if the mark is intact and agrees with the files; else 0. */
    private long readMark(long entriesLen, long idxCount, long nodesCount, TreeHasher hasher) throws IOException {
        long best = -1;
        long bestSeq = -1;
        if (mark.size() >= 64) {
            byte[] slot = new byte[32];
            for (int i = 0; i < 2; i++) {
                readFileFully(mark, i * 32L, slot);
                if (readInt(slot, 0) != MARK_MAGIC) {
                    continue;
                }
                crc.reset();
                crc.update(slot, 8, 24);
                if ((int) crc.getValue() != readInt(slot, 4)) {
                    continue;
                }
                long seq = readLong(slot, 8);
                long sz = readLong(slot, 16);
                if (seq > bestSeq) {
                    bestSeq = seq;
                    best = sz;
                }
            }
        }
        markSeq = Math.max(bestSeq, 0);
        if (best <= 0) {
            if (entriesLen > 0) {
                LOG.info("Merkle log '{}': no usable commit mark; verifying the whole log", name);
            }
            return 0;
        }
        boolean fits = best <= idxCount && TreeMath.storedNodes(best) <= nodesCount;
        if (fits) {
            long last = readIndexFromFile(best - 1);
            if (last + 8 > entriesLen) {
                fits = false;
            } else {
                byte[] header = new byte[8];
                readFileFully(entries, last, header);
                long len = readInt(header, 0) & 0xffffffffL;
                if (len > MAX_RECORD || last + 8 + len > entriesLen) {
                    fits = false;
                } else {
                    byte[] data = new byte[(int) len];
                    readFileFully(entries, last + 8, data);
                    byte[] leaf = new byte[32];
                    readFileFully(nodes, TreeMath.leafPosition(best - 1) * 32, leaf);
                    fits = checksum(header, data) == readInt(header, 4)
                            && MessageDigest.isEqual(leaf, hasher.leaf(data));
                }
            }
        }
        if (!fits) {
            LOG.warn("Merkle log '{}': the commit mark ({} entries) does not match the files; verifying the whole log",
                    name, best);
            return 0;
        }
        return best;
    }

    private void writeMark(long sz, long nodesAt) throws IOException {
        long seq = ++markSeq;
        byte[] slot = new byte[32];
        putInt(slot, 0, MARK_MAGIC);
        putLong(slot, 8, seq);
        putLong(slot, 16, sz);
        putLong(slot, 24, nodesAt);
        CRC32C c = new CRC32C();
        c.update(slot, 8, 24);
        putInt(slot, 4, (int) c.getValue());
        ByteBuffer b = ByteBuffer.wrap(slot);
        long pos = (seq & 1) * 32;
        while (b.hasRemaining()) {
            pos += mark.write(b, pos);
        }
    }

    private int checksum(byte[] header, byte[] data) {
        CRC32C c = new CRC32C();
        c.update(header, 0, 4);
        c.update(data, 0, data.length);
        return (int) c.getValue();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long durableSize() {
        return durable;
    }

    @Override
    public synchronized void append(byte[] entry, byte[][] newNodes, int count) {
        if (entry.length > maxEntryBytes) {
            throw new IllegalArgumentException("entry of " + entry.length + " bytes exceeds the log's limit of "
                    + maxEntryBytes);
        }
        pendIndex.putLong(entryBytes);
        byte[] header = new byte[8];
        putInt(header, 0, entry.length);
        crc.reset();
        crc.update(header, 0, 4);
        crc.update(entry, 0, entry.length);
        putInt(header, 4, (int) crc.getValue());
        pendEntries.put(header, 0, 8);
        pendEntries.put(entry, 0, entry.length);
        entryBytes += 8 + entry.length;
        for (int i = 0; i < count; i++) {
            pendNodes.put(newNodes[i], 0, 32);
        }
        nodeCount += count;
        size = size + 1;
    }

    @Override
    public long sync() throws IOException {
        long target;
        long targetNodes;
        synchronized (this) {
            target = size;
            targetNodes = nodeCount;
            if (target == durable && pendEntries.length() == 0 && pendIndex.length() == 0 && pendNodes.length() == 0) {
                return target;
            }
            pendEntries.drainTo(entries, flushedEntryBytes);
            flushedEntryBytes = entryBytes;
            pendIndex.drainTo(index, flushedIndex * 8);
            flushedIndex = target;
            pendNodes.drainTo(nodes, flushedNodes * 32);
            flushedNodes = targetNodes;
        }
        entries.force(false);
        index.force(false);
        nodes.force(false);
        writeMark(target, targetNodes);
        durable = target;
        return target;
    }

    @Override
    public void readNode(long position, byte[] out32) throws IOException {
        if (position < flushedNodes) {
            nodeReader.read(position * 32, out32, flushedNodes * 32);
            return;
        }
        synchronized (this) {
            if (position < flushedNodes) {
                nodeReader.read(position * 32, out32, flushedNodes * 32);
            } else {
                pendNodes.get((int) ((position - flushedNodes) * 32), out32, 0, 32);
            }
        }
    }

    @Override
    public byte[] readEntry(long i) throws IOException {
        long offset;
        synchronized (this) {
            if (i >= flushedIndex) {
                offset = pendIndex.getLong((int) ((i - flushedIndex) * 8));
                if (offset >= flushedEntryBytes) {
                    int at = (int) (offset - flushedEntryBytes);
                    byte[] header = new byte[8];
                    pendEntries.get(at, header, 0, 8);
                    byte[] data = new byte[readInt(header, 0)];
                    pendEntries.get(at + 8, data, 0, data.length);
                    return data;
                }
            } else {
                byte[] b = new byte[8];
                indexReader.read(i * 8, b, flushedIndex * 8);
                offset = readLong(b, 0);
            }
        }
        byte[] header = new byte[8];
        readFileFully(entries, offset, header);
        long len = readInt(header, 0) & 0xffffffffL;
        if (len > MAX_RECORD || offset + 8 + len > flushedEntryBytes) {
            throw new IOException("Merkle log '" + name + "': entry " + i + " is damaged on disk (length " + len + ")");
        }
        byte[] data = new byte[(int) len];
        readFileFully(entries, offset + 8, data);
        if (checksum(header, data) != readInt(header, 4)) {
            throw new IOException("Merkle log '" + name + "': entry " + i + " is damaged on disk (checksum)");
        }
        return data;
    }

    private long readIndexFromFile(long i) throws IOException {
        byte[] b = new byte[8];
        readFileFully(index, i * 8, b);
        return readLong(b, 0);
    }

    @Override
    public long storageBytes() {
        try {
            return entries.size() + index.size() + nodes.size() + mark.size();
        } catch (IOException e) {
            return -1;
        }
    }

    Path directory() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        try {
            if (entries.isOpen()) {
                sync();
            }
        } catch (IOException e) {
            first = e;
        }
        for (FileChannel ch : new FileChannel[] {entries, index, nodes, mark, lockChannel}) {
            try {
                ch.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void readFileFully(FileChannel ch, long position, byte[] dst) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst);
        long pos = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new java.io.EOFException("unexpected end of log file at " + pos);
            }
            pos += n;
        }
    }

    private static int readInt(FileChannel ch, long position) throws IOException {
        byte[] b = new byte[4];
        readFileFully(ch, position, b);
        return readInt(b, 0);
    }

    static int readInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    static long readLong(byte[] b, int off) {
        return ((long) readInt(b, off) << 32) | (readInt(b, off + 4) & 0xffffffffL);
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }
}
