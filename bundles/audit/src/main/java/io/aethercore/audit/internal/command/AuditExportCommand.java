package io.aethercore.audit.internal.command;

import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.audit.internal.AuditEngine;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

/**
 * {@code aether:audit-export --output DIR}: records, signed checkpoints and public keys for an auditor,
 * who checks them off the node with {@code bin/audit-verify-offline} (no trust in the node needed
 * beyond its public key, which the auditor should obtain independently).
 */
@Service
@Command(scope = "aether", name = "audit-export",
        description = "Exports the audit records, signed checkpoints and public keys for offline verification.")
public class AuditExportCommand implements Action {

    @Option(name = "-o", aliases = "--output", required = true, description = "directory to write (created)")
    @Completion(FileCompleter.class)
    String output;

    @Reference(optional = true)
    AuditLog audit;

    @Override
    public Object execute() throws Exception {
        AuditLog a = AuditCommands.require(audit);
        if (!(a instanceof AuditEngine engine)) {
            throw new IllegalStateException("this audit log provider cannot export");
        }
        SignedCheckpoint cp = engine.export(Path.of(output));
        System.out.println("Exported " + cp.checkpoint().size() + " records to " + output
                + "; verify off the node with: audit-verify-offline check --dir " + output + " --key <node public key PEM>");
        return null;
    }
}
