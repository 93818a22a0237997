package io.aethercore.audit.internal;

import io.aethercore.formats.merkle.CheckpointNotes;
import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.IntegrityReport;
import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.merkle.InvalidProofException;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.SignedCheckpoint;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The integrity check: reads the record files as they are on disk (independently of any running log),
 * checks every frame, record encoding, signature and position, recomputes the Merkle tree from the
 * records (and the digests kept for pruned records), and compares its root at each published
 * checkpoint's size with that checkpoint, whose signature it verifies first. Plain Java: the node's
 * {@code aether:audit-check} and the offline tool run the same code.
 *
 * <p>When the node's Merkle log is at hand ({@link MerkleLeaves}), every recomputed leaf is also
 * compared with the stored one, which names the exact index of a change even where only a root
 * comparison would otherwise bound it.
 */
public final class IntegrityChecker {

    /** Leaf hashes as the node's Merkle log stores them. */
    public interface MerkleLeaves {
        long size();

        byte[] leafHash(long index) throws Exception;
    }

    private final MerkleHasher hasher;
    private final SignatureService verifier;
    private final KeyRegistry keys;

    public IntegrityChecker(MerkleHasher hasher, SignatureService verifier, KeyRegistry keys) {
        this.hasher = hasher;
        this.verifier = verifier;
        this.keys = keys;
    }

    private final class State {
        final List<String> problems = new ArrayList<>();
        long firstBad = -1;
        long records;

        void bad(long index, String what) {
            if (index >= 0 && (firstBad < 0 || index < firstBad)) {
                firstBad = index;
            }
            if (problems.size() < 100) {
                problems.add(what);
            }
        }
    }

    /**
     * Checks the store in {@code dir} against the checkpoints in {@code checkpointLog}.
     *
     * @param limit check only the first {@code limit} records (records being written beyond it), or -1
     * @param merkle the node's Merkle log, or null off the node
     */
    public IntegrityReport check(Path dir, Path checkpointLog, long limit, MerkleLeaves merkle) throws IOException {
        State st = new State();
        List<SignedCheckpoint> cps = validCheckpoints(st, CheckpointStore.readLog(checkpointLog));
        Folder tree = new Folder(st, cps);
        // pruned records: their digests
        Path pruned = dir.resolve(RecordStore.PRUNED);
        byte[][] prunedLeaves = new byte[0][];
        if (Files.exists(pruned)) {
            byte[] d = Files.readAllBytes(pruned);
            if (d.length % RecordStore.DIGEST != 0) {
                st.bad(d.length / RecordStore.DIGEST, RecordStore.PRUNED + " has a partial digest at its end");
            }
            prunedLeaves = new byte[d.length / RecordStore.DIGEST][];
            for (int i = 0; i < prunedLeaves.length; i++) {
                prunedLeaves[i] = hasher.leafHash(Arrays.copyOfRange(d, i * RecordStore.DIGEST, (i + 1) * RecordStore.DIGEST));
            }
        }
        long prunedCount = prunedLeaves.length;
        // the pruned leaves enter the tree as they come; a segment straddling the prune point is compared with them
        long fed = 0;
        if (Files.exists(pruned)) {
            for (byte[] l : prunedLeaves) {
                tree.push(l);
                fed++;
            }
        }
        List<Path> segs = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, RecordStore.PREFIX + "*" + RecordStore.SUFFIX)) {
                ds.forEach(segs::add);
            }
        }
        segs.sort(Comparator.comparing(p -> p.getFileName().toString()));
        Set<String> ids = new HashSet<>();
        long expected = -1;
        boolean stop = false;
        for (Path seg : segs) {
            if (stop) {
                break;
            }
            long first;
            String n = seg.getFileName().toString();
            try {
                first = Long.parseLong(n.substring(RecordStore.PREFIX.length(), n.length() - RecordStore.SUFFIX.length()));
            } catch (NumberFormatException e) {
                st.bad(-1, "unexpected file " + n);
                continue;
            }
            if (expected < 0) {
                expected = first;
                if (first > prunedCount) {
                    st.bad(prunedCount, "records " + prunedCount + ".." + (first - 1) + " are missing (first segment "
                            + n + " starts at " + first + ")");
                    stop = true;
                    break;
                }
                // segments straddling the prune point are read from their start; pruned leaves are replaced
            } else if (first != expected) {
                st.bad(Math.min(first, expected), "segment " + n + " starts at index " + first + " but the previous"
                        + " records end at " + expected + (first > expected ? " (records deleted)" : " (records inserted)"));
                stop = true;
                break;
            }
            try (InputStream raw = Files.newInputStream(seg);
                    DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
                long size = Files.size(seg);
                long pos = 0;
                while (pos < size && (limit < 0 || expected < limit)) {
                    long index = expected;
                    if (size - pos < RecordStore.HEADER) {
                        st.bad(index, "record " + index + " in " + n + " at byte " + pos + ": truncated frame header");
                        stop = true;
                        break;
                    }
                    int len = in.readInt();
                    int crc = in.readInt();
                    long idx = in.readLong();
                    if (len < 0 || len > RecordCodec.MAX_RECORD_BYTES || pos + RecordStore.HEADER + len > size) {
                        st.bad(index, "record " + index + " in " + n + " at byte " + pos + ": frame length "
                                + Integer.toUnsignedString(len) + " does not fit the file (modified or truncated)");
                        stop = true;
                        break;
                    }
                    byte[] data = new byte[len];
                    in.readFully(data);
                    pos += RecordStore.HEADER + len;
                    if (RecordStore.crc(len, idx, data) != crc) {
                        st.bad(index, "record " + index + " in " + n + ": frame checksum mismatch (record modified)");
                        stop = true;
                        break;
                    }
                    if (idx != index) {
                        st.bad(index, "record at position " + index + " carries index " + idx
                                + (idx > index ? " (records deleted before it)" : " (record inserted or reordered)"));
                        stop = true;
                        break;
                    }
                    expected++;
                    st.records = expected;
                    byte[] leaf = hasher.leafHash(Hashers.recordDigest(hasher, data));
                    if (index < prunedCount) {
                        if (!Arrays.equals(leaf, prunedLeaves[(int) index])) {
                            st.bad(index, "record " + index + " differs from the digest kept for it by retention");
                        }
                        continue;
                    }
                    tree.push(leaf);
                    fed++;
                    checkRecord(st, index, data, ids);
                    if (merkle != null && index < merkle.size()) {
                        try {
                            if (!Arrays.equals(leaf, merkle.leafHash(index))) {
                                st.bad(index, "record " + index + " does not match its leaf in the Merkle log");
                            }
                        } catch (Exception e) {
                            st.bad(index, "Merkle leaf " + index + " unreadable: " + e.getMessage());
                        }
                    }
                }
            } catch (EOFException e) {
                st.bad(expected, "record " + expected + " in " + n + ": file ends inside the frame");
                stop = true;
            }
        }
        long stored = fed;
        st.records = Math.max(st.records, stored);
        if (merkle != null && (limit < 0 ? merkle.size() : Math.min(limit, merkle.size())) > stored && !stop) {
            st.bad(stored, "the Merkle log holds " + merkle.size() + " leaves but only " + stored
                    + " records are stored (records truncated or deleted at the end)");
        }
        tree.finish(stop);
        return new IntegrityReport(stored, cps.size(), st.firstBad, st.problems);
    }

    private void checkRecord(State st, long index, byte[] data, Set<String> ids) {
        AuditRecord r;
        try {
            r = RecordCodec.parse(index, data);
        } catch (IllegalArgumentException e) {
            st.bad(index, "record " + index + " is malformed: " + e.getMessage());
            return;
        }
        if (!ids.add(r.eventId())) {
            st.bad(index, "record " + index + " repeats event id " + r.eventId() + " (record duplicated)");
        }
        RawPublicKey k = keys.get(r.keyId());
        if (k == null) {
            st.bad(index, "record " + index + " is signed by an unknown key " + r.keyId());
            return;
        }
        try {
            verifier.verify(k, RecordCodec.signedPart(data), r.signature());
        } catch (CryptoException | IllegalArgumentException e) {
            st.bad(index, "record " + index + ": signature invalid");
        }
    }

    private List<SignedCheckpoint> validCheckpoints(State st, List<CheckpointStore.Entry> entries) {
        List<SignedCheckpoint> valid = new ArrayList<>();
        long prevSize = -1;
        for (CheckpointStore.Entry e : entries) {
            if (e.checkpoint() == null) {
                st.bad(-1, e.error());
                continue;
            }
            SignedCheckpoint cp = e.checkpoint();
            if (!signedByKnownKey(cp)) {
                st.bad(-1, "checkpoint " + e.position() + " (size " + cp.checkpoint().size()
                        + "): no valid signature by a known key");
                continue;
            }
            if (cp.checkpoint().size() < prevSize) {
                st.bad(-1, "checkpoint " + e.position() + " has size " + cp.checkpoint().size()
                        + ", smaller than the checkpoint published before it (" + prevSize + ")");
            }
            prevSize = cp.checkpoint().size();
            valid.add(cp);
        }
        valid.sort(Comparator.comparingLong(c -> c.checkpoint().size()));
        return valid;
    }

    /** The tree's peaks as leaves arrive; compares the root with each checkpoint when its size is reached. */
    private final class Folder {
        final State st;
        final List<SignedCheckpoint> cps;
        final ArrayDeque<byte[]> peaks = new ArrayDeque<>();
        final ArrayDeque<Long> heights = new ArrayDeque<>();
        long n;
        int next;
        long lastGood;

        Folder(State st, List<SignedCheckpoint> cps) {
            this.st = st;
            this.cps = cps;
            compareDue();
        }

        void push(byte[] leaf) {
            byte[] h = leaf;
            long height = 0;
            while (!heights.isEmpty() && heights.peekLast() == height) {
                h = hasher.nodeHash(peaks.pollLast(), h);
                heights.pollLast();
                height++;
            }
            peaks.addLast(h);
            heights.addLast(height);
            n++;
            compareDue();
        }

        private void compareDue() {
            while (next < cps.size() && cps.get(next).checkpoint().size() == n) {
                SignedCheckpoint cp = cps.get(next++);
                byte[] root;
                if (n == 0) {
                    root = hasher.emptyRoot();
                } else {
                    Iterator<byte[]> down = peaks.descendingIterator();
                    root = down.next();
                    while (down.hasNext()) {
                        root = hasher.nodeHash(down.next(), root);
                    }
                }
                if (!Arrays.equals(root, cp.checkpoint().root())) {
                    st.bad(lastGood, "Merkle root mismatch: the first " + n + " records do not give the root of the"
                            + " signed checkpoint of size " + n + (st.firstBad < 0 || st.firstBad >= n
                            ? "; the change is in records " + lastGood + ".." + (n - 1) : ""));
                } else if (st.firstBad < 0 || st.firstBad >= n) {
                    lastGood = n;
                }
            }
        }

        void finish(boolean stoppedAtDamage) {
            if (next < cps.size()) {
                long size = cps.get(cps.size() - 1).checkpoint().size();
                st.bad(n, stoppedAtDamage
                        ? "records from index " + n + " on were not read past the damaged frame; signed checkpoints up to"
                                + " size " + size + " could not be compared"
                        : "a signed checkpoint of size " + size + " covers records up to " + (size - 1) + " but only "
                                + n + " are stored (records truncated or deleted)");
            }
        }
    }

    private boolean signedByKnownKey(SignedCheckpoint cp) {
        for (SignedCheckpoint.Signature s : cp.signatures()) {
            for (RawPublicKey k : keys.all()) {
                try {
                    if (CheckpointNotes.keyId(s.keyName(), k) != s.keyId()) {
                        continue;
                    }
                    CheckpointNotes.verify(cp, s.keyName(), k, verifier);
                    return true;
                } catch (InvalidProofException | IllegalArgumentException e) {
                    // try the next key
                }
            }
        }
        return false;
    }
}
