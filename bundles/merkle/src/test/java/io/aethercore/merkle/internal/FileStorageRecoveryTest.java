package io.aethercore.merkle.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.formats.merkle.MerkleProofs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reopening file-backed logs: after clean closes with each durability, and after the kinds of
 * damage crashes (and careless hands) leave behind. After every recovery the log's root must equal
 * the naive RFC 6962 reference over the surviving entries, every surviving entry must read back, and
 * appending must go on correctly.
 */
class FileStorageRecoveryTest {

    static final MerkleHasher SHA256 = MerkleHasher.sha256();
    static final int N = 120;

    @TempDir
    Path tmp;

    /** Entry {@code i}: distinct, of varied length (empty, short, a few KiB). */
    static byte[] entry(int i) {
        Random r = new Random(i * 7919L + 17);
        int len = i % 97 == 3 ? 0 : i % 41 == 5 ? 3000 + r.nextInt(3000) : r.nextInt(200);
        byte[] prefix = ("entry-" + i + ":").getBytes(StandardCharsets.UTF_8);
        if (len == 0) {
            return i == 3 ? new byte[0] : prefix;
        }
        byte[] b = new byte[prefix.length + len];
        System.arraycopy(prefix, 0, b, 0, prefix.length);
        for (int k = prefix.length; k < b.length; k++) {
            b[k] = (byte) r.nextInt(256);
        }
        return b;
    }

    static List<byte[]> entries(int from, int to) {
        List<byte[]> l = new ArrayList<>();
        for (int i = from; i < to; i++) {
            l.add(entry(i));
        }
        return l;
    }

    static VineLog open(Path dir, Durability d) throws MerkleLogException {
        return VineLog.open(MerkleTestSupport.settings("rec", HashAlgorithm.SHA_256, dir, d, 2), () -> MerkleTestSupport.BC);
    }

    static VineLog open(Path dir, Durability d, long groupMillis) throws MerkleLogException {
        return VineLog.open(MerkleTestSupport.settings("rec", HashAlgorithm.SHA_256, dir, d, groupMillis),
                () -> MerkleTestSupport.BC);
    }

    /** A closed log of {@code n} entries appended with SYNC. */
    Path build(String name, int n) throws Exception {
        Path dir = tmp.resolve(name);
        try (VineLog log = open(dir, Durability.SYNC)) {
            for (int i = 0; i < n; i++) {
                assertEquals(i, log.append(entry(i)));
            }
        }
        return dir;
    }

    /** Size, entries, leaf hashes, roots, inclusion and consistency proofs all agree with the reference. */
    static void check(VineLog log, List<byte[]> expected) throws Exception {
        int n = expected.size();
        assertEquals(n, log.size(), "size");
        MerkleTestSupport.Reference ref = new MerkleTestSupport.Reference(SHA256, expected);
        assertEquals(MerkleTestSupport.hex(ref.root(n)), MerkleTestSupport.hex(log.root()), "root of " + n + " entries");
        for (int i = 0; i < n; i++) {
            assertArrayEquals(expected.get(i), log.entry(i), "entry " + i);
            assertArrayEquals(ref.leafHash(i), log.leafHash(i), "leaf hash " + i);
        }
        int[] sizes = {0, 1, n / 3, n / 2, n - 1, n};
        for (int s : sizes) {
            if (s < 0 || s > n) {
                continue;
            }
            assertArrayEquals(ref.root(s), log.rootAt(s), "root at " + s);
            MerkleProofs.verifyConsistency(SHA256, log.consistencyProof(s, n), ref.root(s), ref.root(n));
        }
        for (int i = 0; i < n; i++) {
            MerkleProofs.verifyInclusion(SHA256, ref.leafHash(i), log.inclusionProof(i, n), ref.root(n));
        }
    }

    /** Reopens, checks, appends {@code more} entries, checks, closes, reopens and checks again. */
    static void reopenAndContinue(Path dir, int survivors, int more) throws Exception {
        List<byte[]> expected = entries(0, survivors);
        try (VineLog log = open(dir, Durability.GROUP)) {
            check(log, expected);
            assertEquals(survivors, log.durableSize());
            for (int i = 0; i < more; i++) {
                byte[] e = MerkleTestSupport.utf8("after-recovery-" + i);
                assertEquals(survivors + i, log.append(e));
                expected.add(e);
            }
            check(log, expected);
        }
        try (VineLog log = open(dir, Durability.SYNC)) {
            check(log, expected);
        }
        assertFilesExact(dir, expected);
    }

    /** The three data files hold exactly the records, offsets and nodes of {@code expected}. */
    static void assertFilesExact(Path dir, List<byte[]> expected) throws IOException {
        long bytes = 0;
        for (byte[] e : expected) {
            bytes += 8 + e.length;
        }
        assertEquals(bytes, Files.size(dir.resolve(FileStorage.ENTRIES)), "entries.dat length");
        assertEquals(8L * expected.size(), Files.size(dir.resolve(FileStorage.INDEX)), "entries.idx length");
        assertEquals(32 * TreeMath.storedNodes(expected.size()), Files.size(dir.resolve(FileStorage.NODES)),
                "nodes.dat length");
    }

    static long recordOffset(Path dir, int i) throws IOException {
        byte[] idx = Files.readAllBytes(dir.resolve(FileStorage.INDEX));
        return ByteBuffer.wrap(idx, i * 8, 8).getLong();
    }

    static void truncate(Path file, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(length);
        }
    }

    static void append(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    static void flipByte(Path file, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x5a));
            b.rewind();
            ch.write(b, at);
        }
    }

    /** Runs {@code body} and returns what it logged to System.err (slf4j-simple writes there). */
    static String stderrOf(ThrowingRunnable body) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(old);
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        old.print(s);
        return s;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    // ------------------------------------------------------------ clean close and reopen

    @ParameterizedTest
    @EnumSource(Durability.class)
    void closeAndReopenWithEachDurability(Durability d) throws Exception {
        Path dir = tmp.resolve(d.name());
        List<byte[]> expected = entries(0, 300);
        try (VineLog log = open(dir, d)) {
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                if (i % 10 == 9) {
                    futures.add(log.appendAsync(entry(i)));
                } else {
                    assertEquals(i, log.append(entry(i)));
                }
            }
            for (CompletableFuture<Long> f : futures) {
                f.join();
            }
            check(log, expected);
        }
        byte[] root;
        try (VineLog log = open(dir, d)) {
            check(log, expected);
            assertEquals(300, log.durableSize());
            root = log.root();
        }
        try (VineLog log = open(dir, Durability.SYNC)) {
            assertArrayEquals(root, log.root());
        }
        assertFilesExact(dir, expected);
        reopenAndContinue(dir, 300, 25);
    }

    @Test
    void emptyLogReopens() throws Exception {
        Path dir = tmp.resolve("empty");
        try (VineLog log = open(dir, Durability.SYNC)) {
            assertEquals(0, log.size());
            assertArrayEquals(SHA256.emptyRoot(), log.root());
        }
        reopenAndContinue(dir, 0, 5);
    }

    // ------------------------------------------------------------ entries.dat

    @Test
    void tornRecordInTheMiddleOfItsData() throws Exception {
        Path dir = build("torn-data", N);
        long last = recordOffset(dir, N - 1);
        int len = entry(N - 1).length;
        truncate(dir.resolve(FileStorage.ENTRIES), last + 8 + len / 2);
        String log = stderrOf(() -> reopenAndContinue(dir, N - 1, 10));
        assertTrue(log.contains("cut a torn or damaged tail"), "a WARN line says what was cut: " + log);
    }

    @Test
    void tornRecordHeader() throws Exception {
        for (int keep : new int[] {1, 4, 7}) {
            Path dir = build("torn-header-" + keep, N);
            truncate(dir.resolve(FileStorage.ENTRIES), recordOffset(dir, N - 1) + keep);
            reopenAndContinue(dir, N - 1, 3);
        }
    }

    @Test
    void lostWholeRecordsAtTheEnd() throws Exception {
        Path dir = build("lost-records", N);
        truncate(dir.resolve(FileStorage.ENTRIES), recordOffset(dir, N - 5));
        reopenAndContinue(dir, N - 5, 3);
    }

    @Test
    void garbageAfterTheLastRecord() throws Exception {
        Random rnd = new Random(42);
        int round = 0;
        List<byte[]> garbage = new ArrayList<>();
        for (int len : new int[] {1, 7, 8, 9, 100, 5000}) {
            byte[] g = new byte[len];
            rnd.nextBytes(g);
            garbage.add(g);
        }
        garbage.add(new byte[4096]); // zeros, as an extended file after a crash
        // a plausible header (small length) with a wrong CRC, followed by its data
        garbage.add(ByteBuffer.allocate(18).putInt(10).putInt(0xdeadbeef).put(new byte[10]).array());
        // a plausible header whose data runs past the end of the file
        garbage.add(ByteBuffer.allocate(12).putInt(1000).putInt(0).putInt(7).array());
        for (byte[] g : garbage) {
            Path dir = build("garbage-" + round++, 40);
            append(dir.resolve(FileStorage.ENTRIES), g);
            reopenAndContinue(dir, 40, 3);
        }
    }

    @Test
    void flippedByteInTheLastRecordCutsIt() throws Exception {
        Path dir = build("crc", 40);
        long last = recordOffset(dir, 39);
        flipByte(dir.resolve(FileStorage.ENTRIES), last + 8 + entry(39).length - 1);
        // the commit mark's check of the last record fails, the whole log is verified, the bad record is cut
        reopenAndContinue(dir, 39, 3);
    }

    // ------------------------------------------------------------ derived files

    @Test
    void nodesTruncatedToAnyLength() throws Exception {
        long full = 32 * TreeMath.storedNodes(N);
        long[] lengths = {0, 1, 31, 32, 33, 100, full / 2, full / 2 + 5, full - 33, full - 32, full - 31, full - 1};
        for (long len : lengths) {
            Path dir = build("nodes-" + len, N);
            assertEquals(full, Files.size(dir.resolve(FileStorage.NODES)));
            truncate(dir.resolve(FileStorage.NODES), len);
            reopenAndContinue(dir, N, 4);
        }
    }

    @Test
    void indexTruncatedToAnyLength() throws Exception {
        long full = 8L * N;
        long[] lengths = {0, 3, 8, 9, full / 2, full / 2 + 3, full - 9, full - 8, full - 1};
        for (long len : lengths) {
            Path dir = build("idx-" + len, N);
            truncate(dir.resolve(FileStorage.INDEX), len);
            reopenAndContinue(dir, N, 4);
        }
    }

    @Test
    void garbageAfterDerivedFiles() throws Exception {
        Path dir = build("derived-garbage", N);
        append(dir.resolve(FileStorage.INDEX), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        append(dir.resolve(FileStorage.NODES), new byte[77]);
        reopenAndContinue(dir, N, 4);
    }

    @Test
    void derivedFilesDeleted() throws Exception {
        Path dir = build("derived-deleted", N);
        Files.delete(dir.resolve(FileStorage.INDEX));
        Files.delete(dir.resolve(FileStorage.NODES));
        reopenAndContinue(dir, N, 4);
    }

    @Test
    void wrongOffsetsInTheIndexAreRewritten() throws Exception {
        Path dir = build("idx-wrong", N);
        Files.delete(dir.resolve(FileStorage.MARK)); // force verification from the start
        flipByte(dir.resolve(FileStorage.INDEX), 8L * (N / 2) + 7);
        flipByte(dir.resolve(FileStorage.INDEX), 8L * (N - 1) + 6);
        reopenAndContinue(dir, N, 4);
    }

    // ------------------------------------------------------------ commit mark

    @Test
    void commitMarkDeleted() throws Exception {
        Path dir = build("mark-deleted", N);
        Files.delete(dir.resolve(FileStorage.MARK));
        reopenAndContinue(dir, N, 4);
    }

    @Test
    void commitMarkTruncated() throws Exception {
        Path dir = build("mark-truncated", N);
        truncate(dir.resolve(FileStorage.MARK), 40);
        reopenAndContinue(dir, N, 4);
    }

    @Test
    void oneCommitMarkSlotCorrupted() throws Exception {
        for (int slot = 0; slot < 2; slot++) {
            for (int at : new int[] {0, 5, 12, 20, 30}) {
                Path dir = build("mark-slot-" + slot + "-" + at, 30);
                flipByte(dir.resolve(FileStorage.MARK), slot * 32L + at);
                reopenAndContinue(dir, 30, 3);
            }
        }
    }

    @Test
    void bothCommitMarkSlotsCorrupted() throws Exception {
        Path dir = build("mark-both", N);
        flipByte(dir.resolve(FileStorage.MARK), 9);
        flipByte(dir.resolve(FileStorage.MARK), 32 + 9);
        reopenAndContinue(dir, N, 4);
    }

    @Test
    void commitMarkPointingPastTheData() throws Exception {
        // a mark from a bigger log (files restored from an older backup, say)
        Path big = build("mark-big", N);
        Path small = build("mark-small", N / 2);
        Files.copy(big.resolve(FileStorage.MARK), small.resolve(FileStorage.MARK), StandardCopyOption.REPLACE_EXISTING);
        reopenAndContinue(small, N / 2, 4);
    }

    /** A log whose commit mark is at {@code marked} entries while the files hold {@code total}. */
    Path staleMark(String name, int marked, int total) throws Exception {
        Path dir = tmp.resolve(name);
        Path savedMark = tmp.resolve(name + ".mark");
        // a long group-commit window: the ASYNC appends after the SYNC ones are only synced by close()
        try (VineLog log = open(dir, Durability.SYNC, 60_000)) {
            for (int i = 0; i < marked; i++) {
                log.append(entry(i));
            }
            Files.copy(dir.resolve(FileStorage.MARK), savedMark);
            for (int i = marked; i < total; i++) {
                log.append(entry(i), Durability.ASYNC);
            }
            assertEquals(marked, log.durableSize());
        }
        // the mark written by close() is lost, the data is there
        Files.copy(savedMark, dir.resolve(FileStorage.MARK), StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    @Test
    void tailAfterAStaleMarkIsReplayed() throws Exception {
        Path dir = staleMark("stale", 30, N);
        reopenAndContinue(dir, N, 4);
    }

    @Test
    void corruptNodesAfterTheMarkAreRecomputed() throws Exception {
        Path dir = staleMark("stale-nodes", 30, N);
        Path nodes = dir.resolve(FileStorage.NODES);
        byte[] pristine = Files.readAllBytes(nodes);
        long from = 32 * TreeMath.storedNodes(30);
        Random rnd = new Random(7);
        for (int k = 0; k < 12; k++) {
            flipByte(nodes, from + rnd.nextInt((int) (pristine.length - from)));
        }
        flipByte(nodes, pristine.length - 1); // the very last node, the latest peak
        assertTrue(!java.util.Arrays.equals(pristine, Files.readAllBytes(nodes)));
        try (VineLog log = open(dir, Durability.SYNC)) {
            check(log, entries(0, N));
        }
        assertArrayEquals(pristine, Files.readAllBytes(nodes), "nodes.dat rewritten as it was");
        reopenAndContinue(dir, N, 4);
    }

    @Test
    void corruptIndexAfterTheMarkIsRewritten() throws Exception {
        Path dir = staleMark("stale-idx", 30, N);
        Path idx = dir.resolve(FileStorage.INDEX);
        byte[] pristine = Files.readAllBytes(idx);
        flipByte(idx, 8L * 31 + 7);
        flipByte(idx, 8L * 80 + 2);
        try (VineLog log = open(dir, Durability.SYNC)) {
            check(log, entries(0, N));
        }
        assertArrayEquals(pristine, Files.readAllBytes(idx), "entries.idx rewritten as it was");
    }

    @Test
    void tornTailAfterAStaleMark() throws Exception {
        Path dir = staleMark("stale-torn", 30, N);
        truncate(dir.resolve(FileStorage.ENTRIES), recordOffset(dir, 100) + 5);
        truncate(dir.resolve(FileStorage.NODES), 32 * TreeMath.storedNodes(90) + 17);
        reopenAndContinue(dir, 100, 4);
    }

    // ------------------------------------------------------------ size and shutdown

    /** Past 16 MiB of nodes, reads of complete chunks go through memory maps: proofs must not notice. */
    @Test
    void largeLogReadsAcrossMappedChunks() throws Exception {
        int n = (MappedReader.CHUNK / 32) / 2 + 20_000; // ~2n nodes: more than one full chunk of nodes.dat
        Path dir = tmp.resolve("large");
        List<byte[]> expected = new ArrayList<>(n);
        try (VineLog log = open(dir, Durability.ASYNC)) {
            for (int i = 0; i < n; i++) {
                byte[] e = MerkleTestSupport.utf8(Integer.toString(i));
                expected.add(e);
                log.append(e);
            }
        }
        assertTrue(Files.size(dir.resolve(FileStorage.NODES)) > MappedReader.CHUNK);
        MerkleTestSupport.Reference ref = new MerkleTestSupport.Reference(SHA256, expected);
        try (VineLog log = open(dir, Durability.GROUP)) {
            assertEquals(n, log.size());
            assertArrayEquals(ref.root(n), log.root());
            // leaves on both sides of the first chunk boundary of nodes.dat, and around the end
            long boundaryLeaf = TreeMath.leavesFor(MappedReader.CHUNK / 32);
            Random rnd = new Random(5);
            List<Integer> probes = new ArrayList<>();
            for (long i = boundaryLeaf - 40; i < boundaryLeaf + 40; i++) {
                probes.add((int) i);
            }
            for (int k = 0; k < 200; k++) {
                probes.add(rnd.nextInt(n));
            }
            probes.add(0);
            probes.add(n - 1);
            for (int i : probes) {
                assertArrayEquals(expected.get(i), log.entry(i), "entry " + i);
                assertArrayEquals(ref.leafHash(i), log.leafHash(i), "leaf hash " + i);
                MerkleProofs.verifyInclusion(SHA256, ref.leafHash(i), log.inclusionProof(i, n), ref.root(n));
                int older = i + 1 + rnd.nextInt(n - i);
                MerkleProofs.verifyInclusion(SHA256, ref.leafHash(i), log.inclusionProof(i, older), ref.root(older));
                assertArrayEquals(ref.root(i + 1), log.rootAt(i + 1), "root at " + (i + 1));
                MerkleProofs.verifyConsistency(SHA256, log.consistencyProof(i + 1, n), ref.root(i + 1), ref.root(n));
            }
            // appending on, the mapped chunks stay valid
            for (int i = 0; i < 1000; i++) {
                byte[] e = MerkleTestSupport.utf8("more-" + i);
                expected.add(e);
                ref.add(e);
                log.append(e);
            }
            assertArrayEquals(ref.root(n + 1000), log.root());
            MerkleProofs.verifyInclusion(SHA256, ref.leafHash(17), log.inclusionProof(17, n + 1000), ref.root(n + 1000));
        }
    }

    /** Closing under load: every append either returns or fails as retryable, none hangs, none is lost. */
    @Test
    void closeWhileAppending() throws Exception {
        Path dir = tmp.resolve("closing");
        java.util.concurrent.ConcurrentHashMap<Long, byte[]> acked = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        VineLog log = open(dir, Durability.GROUP);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            threads.add(new Thread(() -> {
                for (int k = 0; ; k++) {
                    byte[] e = MerkleTestSupport.utf8("t" + thread + "-" + k);
                    try {
                        Durability d = Durability.values()[k % 3];
                        acked.put(log.append(e, d), e);
                    } catch (MerkleLogException ex) {
                        if (!ex.isRetryable()) {
                            failures.add(ex);
                        }
                        refused.incrementAndGet();
                        return;
                    } catch (Throwable ex) {
                        failures.add(ex);
                        return;
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        Thread.sleep(150);
        log.close();
        for (Thread t : threads) {
            t.join(10_000);
            assertTrue(!t.isAlive(), "an append hangs after close()");
        }
        assertTrue(failures.isEmpty(), () -> "unexpected failures: " + failures);
        assertEquals(4, refused.get());
        assertThrows(MerkleLogException.class, () -> log.append(new byte[1]));
        try (VineLog again = open(dir, Durability.SYNC)) {
            assertTrue(again.size() >= acked.size());
            for (var a : acked.entrySet()) {
                assertArrayEquals(a.getValue(), again.entry(a.getKey()));
            }
            List<byte[]> all = new ArrayList<>();
            for (long i = 0; i < again.size(); i++) {
                all.add(again.entry(i));
            }
            assertArrayEquals(MerkleTestSupport.referenceRoot(SHA256, all), again.root());
        }
    }

    // ------------------------------------------------------------ configuration

    @Test
    void reopeningWithAnotherHashAlgorithmFails() throws Exception {
        Path dir = tmp.resolve("b3");
        try (VineLog log = VineLog.open(MerkleTestSupport.settings("b3", HashAlgorithm.BLAKE3, dir, Durability.SYNC, 2),
                () -> MerkleTestSupport.BC)) {
            log.append(entry(1));
        }
        MerkleLogException e = assertThrows(MerkleLogException.class, () -> open(dir, Durability.SYNC));
        assertTrue(e.getMessage().contains("BLAKE3") && e.getMessage().contains("SHA-256"), e.getMessage());
        // nothing was damaged: the right algorithm still opens it
        try (VineLog log = VineLog.open(MerkleTestSupport.settings("b3", HashAlgorithm.BLAKE3, dir, Durability.SYNC, 2),
                () -> MerkleTestSupport.BC)) {
            assertEquals(1, log.size());
            assertArrayEquals(entry(1), log.entry(0));
        }
    }

    @Test
    void dataWithoutMetadataIsRefused() throws Exception {
        Path dir = build("no-meta", 5);
        Files.delete(dir.resolve(FileStorage.META));
        MerkleLogException e = assertThrows(MerkleLogException.class, () -> open(dir, Durability.SYNC));
        assertTrue(e.getMessage().contains(FileStorage.META), e.getMessage());
    }

    @Test
    void entryOverTheLimitIsRefused() throws Exception {
        for (Path dir : new Path[] {null, tmp.resolve("limit")}) {
            VineLog.Settings s = new VineLog.Settings("limit", "o", HashAlgorithm.SHA_256, dir, Durability.SYNC, 2, 100);
            try (VineLog log = VineLog.open(s, () -> MerkleTestSupport.BC)) {
                assertEquals(0, log.append(new byte[100]));
                assertThrows(IllegalArgumentException.class, () -> log.append(new byte[101]));
                assertThrows(IllegalArgumentException.class, () -> log.append(new byte[101], Durability.ASYNC));
                assertThrows(IllegalArgumentException.class, () -> log.appendAsync(new byte[1000]));
                assertEquals(1, log.size());
                assertEquals(1, log.append(new byte[0]));
                check(log, List.of(new byte[100], new byte[0]));
            }
        }
    }

    @Test
    void loweringTheEntryLimitKeepsExistingEntries() throws Exception {
        Path dir = build("lower-limit", N); // entries of up to 6 KiB
        Files.delete(dir.resolve(FileStorage.MARK)); // and recovery verifies every record
        VineLog.Settings s = new VineLog.Settings("rec", "o", HashAlgorithm.SHA_256, dir, Durability.SYNC, 2, 1000);
        try (VineLog log = VineLog.open(s, () -> MerkleTestSupport.BC)) {
            check(log, entries(0, N));
            assertThrows(IllegalArgumentException.class, () -> log.append(new byte[1001]));
        }
        reopenAndContinue(dir, N, 2);
    }
}
