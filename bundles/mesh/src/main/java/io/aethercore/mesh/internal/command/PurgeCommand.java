package io.aethercore.mesh.internal.command;

import io.aethercore.api.audit.AuditLog;
import io.aethercore.mesh.gospel.Entry;
import io.aethercore.mesh.gospel.Reason;
import io.aethercore.mesh.internal.MeshControl;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:purge <node> --reason <Reason>}: a signed revocation in the Gospel (docs/gospel.md, "Purge"). */
@Service
@Command(scope = "aether", name = "purge",
        description = "Purges a node: appends a signed revocation to the Gospel; every node tears down its sessions with it.")
public class PurgeCommand implements Action {

    @Argument(index = 0, name = "node", required = true, description = "NodeID of the node to purge")
    String node;

    @Option(name = "--reason", required = true,
            description = "AttestationFailure, ByzantineDetection, OperatorOverride or IdentityCollapse")
    String reason;

    @Option(name = "--comment", description = "free text kept with the revocation")
    String comment;

    @Reference(optional = true)
    MeshControl control;

    @Reference(optional = true)
    AuditLog audit;

    @Override
    public Object execute() throws Exception {
        MeshControl c = GospelCommands.require(control);
        Reason r = Reason.parse(reason);
        Entry e = c.purge(node, r, comment);
        GospelCommands.audit(audit, "Purge", node + " purged (" + r.label() + ")", e);
        var s = c.gospel().summary();
        System.out.println("Revocation appended: " + node + " purged (" + r.label() + ") as Gospel entry " + e
                + "; Gospel root " + GospelCommands.hex8(s.root()) + " (" + s.size() + " entries)");
        return null;
    }
}
