package io.aethercore.audit.internal.command;

import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.audit.AuditVerification;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:audit-verify --event-id ID}: signature and Merkle proof of one record. */
@Service
@Command(scope = "aether", name = "audit-verify",
        description = "Verifies an audit record's signature and its Merkle proof against the latest signed checkpoint.")
public class AuditVerifyCommand implements Action {

    @Option(name = "-e", aliases = "--event-id", required = true, description = "the record's event_id")
    String eventId;

    @Reference(optional = true)
    AuditLog audit;

    @Override
    public Object execute() throws Exception {
        AuditVerification v = AuditCommands.require(audit).verify(eventId.trim());
        if (!v.ok()) {
            throw new IllegalStateException(v.summary());
        }
        System.out.println(v.summary());
        return null;
    }
}
