package io.aethercore.audit.internal.command;

import io.aethercore.formats.merkle.CheckpointNotes;
import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.merkle.SignedCheckpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

/** {@code aether:audit-checkpoint}: signs and publishes a checkpoint of the audit tree now. */
@Service
@Command(scope = "aether", name = "audit-checkpoint",
        description = "Signs a checkpoint of the audit tree now and publishes it (checkpoint file and sinks).")
public class AuditCheckpointCommand implements Action {

    @Option(name = "-o", aliases = "--out", description = "also write the signed note to this file")
    @Completion(FileCompleter.class)
    String out;

    @Reference(optional = true)
    AuditLog audit;

    @Override
    public Object execute() throws Exception {
        SignedCheckpoint cp = AuditCommands.require(audit).publishCheckpoint();
        if (out != null) {
            Files.writeString(Path.of(out), CheckpointNotes.toNote(cp), StandardCharsets.UTF_8);
        }
        System.out.print(CheckpointNotes.toNote(cp));
        return null;
    }
}
