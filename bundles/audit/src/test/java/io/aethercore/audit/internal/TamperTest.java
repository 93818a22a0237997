package io.aethercore.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.IntegrityReport;
import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.crypto.internal.BcSignatures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampering with the stored files, as an attacker with file access but without the node key would:
 * every single-byte change of every record file (two different changes per byte), and deleted,
 * inserted, reordered, truncated and re-framed records. Each must be detected, with the index of the
 * first bad record, by the offline check (files, checkpoints and the public key only).
 */
class TamperTest {

    static final int RECORDS = 12;

    @TempDir
    Path tmp;

    Path node;
    KeyRegistry keys;

    @BeforeEach
    void build() throws Exception {
        node = tmp.resolve("node");
        try (AuditFixture f = new AuditFixture(node, 2048)) {
            for (int i = 0; i < RECORDS; i++) {
                f.engine.record(AuditEvent.of("operator-" + (i % 3), "Action" + i, "target-" + i));
                if (i == 5) {
                    f.engine.publishCheckpoint();
                }
            }
            f.engine.publishCheckpoint();
            keys = KeyRegistry.of(f.engine.keys().all());
        }
    }

    IntegrityReport checkOffline() throws IOException {
        return new IntegrityChecker(TestHashers.standalone(HashAlgorithm.BLAKE3), new BcSignatures(), keys)
                .check(node.resolve("records"), node.resolve("records").resolve(CheckpointStore.LOG), -1, null);
    }

    List<Path> segments() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(node.resolve("records"), "records-*.seg")) {
            ds.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    static long firstIndex(Path seg) {
        String n = seg.getFileName().toString();
        return Long.parseLong(n.substring("records-".length(), n.length() - ".seg".length()));
    }

    /** Frames of a segment: their start offsets, plus the end. */
    static List<Integer> frameStarts(byte[] seg) {
        List<Integer> starts = new ArrayList<>();
        int pos = 0;
        while (pos < seg.length) {
            starts.add(pos);
            pos += RecordStore.HEADER + ByteBuffer.wrap(seg, pos, 4).getInt();
        }
        starts.add(pos);
        return starts;
    }

    @Test
    void intactStoreChecksClean() throws Exception {
        IntegrityReport r = checkOffline();
        assertTrue(r.ok(), r.summary());
        assertEquals(RECORDS, r.recordsChecked());
        assertEquals(2, r.checkpointsChecked());
        assertTrue(segments().size() >= 2, "the test needs several segments");
    }

    @Test
    void everySingleByteTamperIsDetectedWithItsIndex() throws Exception {
        int tampers = 0;
        for (Path seg : segments()) {
            byte[] pristine = Files.readAllBytes(seg);
            List<Integer> starts = frameStarts(pristine);
            long first = firstIndex(seg);
            for (int pos = 0; pos < pristine.length; pos++) {
                int frame = 0;
                while (starts.get(frame + 1) <= pos) {
                    frame++;
                }
                for (int mask : new int[] {0x01, 0xff}) {
                    byte[] bad = pristine.clone();
                    bad[pos] ^= (byte) mask;
                    Files.write(seg, bad);
                    IntegrityReport r = checkOffline();
                    String where = seg.getFileName() + " byte " + pos + " ^ " + mask;
                    assertFalse(r.ok(), "undetected: " + where);
                    assertEquals(first + frame, r.firstBadIndex(), where + ": " + r.summary());
                    tampers++;
                }
            }
            Files.write(seg, pristine);
        }
        assertTrue(tampers > 2 * RECORDS * 200, "tampers tried: " + tampers);
        assertTrue(checkOffline().ok());
    }

    /** Rewrites a segment from a list of frames (each a whole frame, header included). */
    static void writeFrames(Path seg, List<byte[]> frames) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            out.write(f);
        }
        Files.write(seg, out.toByteArray());
    }

    static List<byte[]> frames(Path seg) throws IOException {
        byte[] b = Files.readAllBytes(seg);
        List<Integer> s = frameStarts(b);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i + 1 < s.size(); i++) {
            out.add(Arrays.copyOfRange(b, s.get(i), s.get(i + 1)));
        }
        return out;
    }

    /** A frame with its index changed and its checksum recomputed: what a careful forger writes. */
    static byte[] reframe(byte[] frame, long index) {
        byte[] data = Arrays.copyOfRange(frame, RecordStore.HEADER, frame.length);
        return ByteBuffer.allocate(frame.length).putInt(data.length).putInt(RecordStore.crc(data.length, index, data))
                .putLong(index).put(data).array();
    }

    @Test
    void deletedInsertedReorderedAndTruncatedRecordsAreNamed() throws Exception {
        Path seg = segments().get(1);
        long first = firstIndex(seg);
        List<byte[]> pristine = frames(seg);
        assertTrue(pristine.size() >= 3);

        List<byte[]> deleted = new ArrayList<>(pristine);
        deleted.remove(1);
        writeFrames(seg, deleted);
        IntegrityReport r = checkOffline();
        assertEquals(first + 1, r.firstBadIndex(), r.summary());
        assertTrue(r.summary().contains("deleted"), r.summary());

        List<byte[]> inserted = new ArrayList<>(pristine);
        inserted.add(1, pristine.get(0));
        writeFrames(seg, inserted);
        r = checkOffline();
        assertEquals(first + 1, r.firstBadIndex(), r.summary());
        assertTrue(r.summary().contains("inserted"), r.summary());

        List<byte[]> swapped = new ArrayList<>(pristine);
        swapped.set(0, pristine.get(1));
        swapped.set(1, pristine.get(0));
        writeFrames(seg, swapped);
        r = checkOffline();
        assertEquals(first, r.firstBadIndex(), r.summary());

        // a forger who also fixes the frame indexes and checksums: signatures still verify, the roots do not
        List<byte[]> forged = new ArrayList<>(pristine);
        forged.set(0, reframe(pristine.get(1), first));
        forged.set(1, reframe(pristine.get(0), first + 1));
        writeFrames(seg, forged);
        r = checkOffline();
        assertFalse(r.ok());
        assertTrue(r.summary().contains("Merkle root mismatch"), r.summary());
        assertTrue(r.firstBadIndex() <= first && r.firstBadIndex() >= 0, r.summary());
        // on the node, the Merkle log's own leaves name the exact record
        try (AuditFixture f = new AuditFixture(node, 2048)) {
            IntegrityReport onNode = f.engine.checkIntegrity();
            assertEquals(first, onNode.firstBadIndex(), onNode.summary());
        }
        writeFrames(seg, pristine);
        assertTrue(checkOffline().ok());

        // truncation: the last records go, the last checkpoint still covers them
        List<Path> segs = segments();
        Path last = segs.get(segs.size() - 1);
        List<byte[]> tail = frames(last);
        writeFrames(last, tail.subList(0, tail.size() - 1));
        r = checkOffline();
        assertEquals(RECORDS - 1, r.firstBadIndex(), r.summary());
        assertTrue(r.summary().contains("truncated"), r.summary());
        writeFrames(last, tail);

        // a whole segment deleted
        byte[] keep = Files.readAllBytes(seg);
        Files.delete(seg);
        r = checkOffline();
        assertEquals(first, r.firstBadIndex(), r.summary());
        Files.write(seg, keep);
        assertTrue(checkOffline().ok());
    }

    @Test
    void aChangedCheckpointIsReported() throws Exception {
        Path cps = node.resolve("records").resolve(CheckpointStore.LOG);
        byte[] pristine = Files.readAllBytes(cps);
        for (int pos = 0; pos < pristine.length; pos += 7) {
            byte[] bad = pristine.clone();
            bad[pos] ^= 0x01;
            Files.write(cps, bad);
            IntegrityReport r = checkOffline();
            assertFalse(r.ok(), "checkpoint byte " + pos);
        }
        Files.write(cps, pristine);
        assertTrue(checkOffline().ok());
    }
}
