package io.aethercore.audit.internal.command;

import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.audit.SinkStatus;
import io.aethercore.api.merkle.SignedCheckpoint;
import java.util.HexFormat;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:audit-status}: size, latest checkpoint and every sink's counters. */
@Service
@Command(scope = "aether", name = "audit-status", description = "Audit log size, latest signed checkpoint and sink counters.")
public class AuditStatusCommand implements Action {

    @Reference(optional = true)
    AuditLog audit;

    @Override
    public Object execute() throws Exception {
        AuditLog a = AuditCommands.require(audit);
        System.out.println("Records: " + a.size());
        SignedCheckpoint cp = a.latestCheckpoint().orElse(null);
        System.out.println("Latest signed checkpoint: " + (cp == null ? "none" : "size " + cp.checkpoint().size()
                + ", root " + HexFormat.of().formatHex(cp.checkpoint().root()) + ", " + cp.checkpoint().timestamp()));
        System.out.printf("%-24s %10s %8s %8s %12s  %s%n", "Sink", "delivered", "dropped", "failed", "queued", "last error");
        for (SinkStatus s : a.sinks()) {
            System.out.printf("%-24s %10d %8d %8d %5d/%-6d  %s%n", s.name(), s.delivered(), s.dropped(), s.failed(),
                    s.queued(), s.capacity(), s.lastError() == null ? "-" : s.lastError());
        }
        return null;
    }
}
