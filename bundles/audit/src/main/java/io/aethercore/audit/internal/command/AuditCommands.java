package io.aethercore.audit.internal.command;

import io.aethercore.api.audit.AuditLog;

/** Shared checks of the audit commands. */
final class AuditCommands {

    private AuditCommands() {}

    static AuditLog require(AuditLog log) {
        if (log == null) {
            throw new IllegalStateException("No audit log is running: feature:install aethercore-audit, and check"
                    + " io.aethercore.audit (enabled = true) and the log for why it waits");
        }
        return log;
    }
}
