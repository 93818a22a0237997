package io.aethercore.audit.internal.sink;

import io.aethercore.formats.merkle.CheckpointNotes;
import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.AuditSink;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.support.json.Json;
import io.aethercore.audit.internal.RecordCodec;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One JSON object per line, appended to a file ({@code file_path}, docs/operations.md "Audit log"): records as
 * {@code {"event_id":..,"timestamp_ns":..,"leaf_index":..,"operator_id":..,...,"signature":..}} and
 * published checkpoints as {@code {"checkpoint":"<signed note>"}}. Buffered; flushed whenever the
 * sink's queue runs empty (and synced too when {@code fsync} is set).
 */
public final class JsonLinesFileSink implements AuditSink, AutoCloseable {

    private final Path file;
    private final boolean fsync;
    private FileOutputStream stream;
    private BufferedWriter out;

    public JsonLinesFileSink(Path file, boolean fsync) {
        this.file = file;
        this.fsync = fsync;
    }

    private BufferedWriter out() throws IOException {
        if (out == null) {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            stream = new FileOutputStream(file.toFile(), true);
            out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        }
        return out;
    }

    @Override
    public void accept(AuditRecord record) throws IOException {
        BufferedWriter w = out();
        w.write(RecordCodec.sinkJson(record));
        w.write('\n');
    }

    @Override
    public void acceptCheckpoint(SignedCheckpoint checkpoint) throws IOException {
        BufferedWriter w = out();
        w.write("{\"checkpoint\":" + Json.quote(CheckpointNotes.toNote(checkpoint)) + ",\"size\":" + checkpoint.checkpoint().size() + "}");
        w.write('\n');
    }

    @Override
    public void flush() throws IOException {
        if (out != null) {
            out.flush();
            if (fsync) {
                stream.getFD().sync();
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
