package io.aethercore.audit.internal.command;

import io.aethercore.support.service.ComponentDiagnosis;
import io.aethercore.api.audit.AuditLog;
import io.aethercore.audit.internal.AuditLogComponent;

/** Shared checks of the audit commands. */
final class AuditCommands {

    static final String AUDIT_COMPONENT = "io.aethercore.audit.internal.AuditLogComponent";

    private AuditCommands() {}

    static AuditLog require(AuditLog log) {
        if (log == null) {
            throw new IllegalStateException("No audit log is running: "
                    + (AuditLogComponent.unavailableReason() != null ? AuditLogComponent.unavailableReason()
                            : ComponentDiagnosis.explain(AuditCommands.class, AUDIT_COMPONENT))
                    + " (etc/io.aethercore.audit.cfg: enabled = true; feature:install aethercore-audit)");
        }
        return log;
    }
}
