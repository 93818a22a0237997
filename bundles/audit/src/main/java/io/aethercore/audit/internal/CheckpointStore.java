package io.aethercore.audit.internal;

import io.aethercore.formats.merkle.CheckpointNotes;
import io.aethercore.api.merkle.InvalidProofException;
import io.aethercore.api.merkle.SignedCheckpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Published signed checkpoints: every one appended to {@code checkpoints.log} (each framed as a
 * decimal byte count, a newline, then the C2SP signed note), and the latest one alone in {@code
 * checkpoint.note} (replaced atomically), the file an auditor takes with an export.
 */
public final class CheckpointStore {

    public static final String LOG = "checkpoints.log";
    public static final String LATEST = "checkpoint.note";
    static final int MAX_NOTE = 128 * 1024;

    /** One entry of the log: the parsed checkpoint, or why it could not be parsed. */
    public record Entry(int position, SignedCheckpoint checkpoint, String error) {}

    private final Path dir;

    public CheckpointStore(Path dir) {
        this.dir = dir;
    }

    /** Appends a checkpoint durably and makes it the latest. */
    public synchronized void append(SignedCheckpoint cp) throws IOException {
        byte[] note = CheckpointNotes.toNote(cp).getBytes(StandardCharsets.UTF_8);
        byte[] head = (note.length + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(dir.resolve(LOG), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.allocate(head.length + note.length).put(head).put(note).flip();
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(false);
        }
        writeAtomically(dir.resolve(LATEST), note);
    }

    static void writeAtomically(Path target, byte[] data) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Every published checkpoint in publication order; entries that do not parse carry their error. */
    public List<Entry> readAll() throws IOException {
        return readLog(dir.resolve(LOG));
    }

    /** Reads a checkpoint log file (bounded: notes over {@value #MAX_NOTE} bytes are errors). */
    public static List<Entry> readLog(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        byte[] all = Files.readAllBytes(file);
        int pos = 0;
        int n = 0;
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
                out.add(new Entry(n, null, "checkpoint " + n + " at byte " + pos + ": bad frame length"));
                return out;
            }
            if (len <= 0 || len > MAX_NOTE || nl + 1 + len > all.length) {
                out.add(new Entry(n, null, "checkpoint " + n + " at byte " + pos + ": truncated or oversized"));
                return out;
            }
            byte[] note = new byte[len];
            System.arraycopy(all, nl + 1, note, 0, len);
            try {
                out.add(new Entry(n, CheckpointNotes.parse(note), null));
            } catch (InvalidProofException e) {
                out.add(new Entry(n, null, "checkpoint " + n + " at byte " + pos + ": " + e.getMessage()));
            }
            pos = nl + 1 + len;
            n++;
        }
        return out;
    }
}
