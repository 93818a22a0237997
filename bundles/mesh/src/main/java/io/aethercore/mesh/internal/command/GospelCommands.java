package io.aethercore.mesh.internal.command;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditLog;
import io.aethercore.mesh.gospel.Entry;
import io.aethercore.mesh.internal.MeshControl;
import io.aethercore.support.console.ConsoleOperator;
import java.util.HexFormat;

/** What the Gospel commands share: the running mesh, and the audit record of an operator's change. */
final class GospelCommands {

    private GospelCommands() {
    }

    static MeshControl require(MeshControl control) {
        MeshCommands.requireRunning(control);
        return control;
    }

    /** Records an operator's Gospel change in the audit log, if one runs (the Gospel entry is the change). */
    static void audit(AuditLog audit, String action, String summary, Entry entry) {
        if (audit == null) {
            return;
        }
        ConsoleOperator op = ConsoleOperator.current();
        try {
            audit.record(AuditEvent.of(op.id(), action, summary).withDetail("gospel_entry", entry.toString())
                    .withDetail("channel", op.channel()));
        } catch (Exception e) {
            System.out.println("WARNING: the audit log did not record this change: " + e.getMessage());
        }
    }

    static String hex8(byte[] root) {
        return root == null ? "-" : HexFormat.of().formatHex(root, 0, 8);
    }
}
