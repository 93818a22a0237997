package io.aethercore.mesh.internal.command;

import io.aethercore.api.audit.AuditLog;
import io.aethercore.mesh.gospel.Entry;
import io.aethercore.mesh.internal.MeshControl;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

/**
 * A command that changes the Gospel (purge, note, operator role, approval): it needs the running mesh, and
 * records the operator's change in the audit log when one runs. Karaf injects the references of this class
 * into every subclass.
 */
abstract class GospelChangeCommand implements Action {

    @Reference(optional = true)
    MeshControl control;

    @Reference(optional = true)
    AuditLog audit;

    /** The running mesh, or the reason there is none. */
    MeshControl mesh() {
        return GospelCommands.require(control);
    }

    void audited(String action, String summary, Entry entry) {
        GospelCommands.audit(audit, action, summary, entry);
    }
}
