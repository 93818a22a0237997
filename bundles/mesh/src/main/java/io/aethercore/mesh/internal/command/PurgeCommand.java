package io.aethercore.mesh.internal.command;

import io.aethercore.mesh.gospel.Entry;
import io.aethercore.mesh.gospel.Reason;
import io.aethercore.mesh.internal.MeshControl;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:purge <node> --reason <Reason>}: a signed revocation in the Gospel (docs/gospel.md, "Purge"). */
@Service
@Command(scope = "aether", name = "purge",
        description = "Purges a node: appends a signed revocation to the Gospel; every node tears down its sessions with it.")
public class PurgeCommand extends GospelChangeCommand {

    /** The node, and the options when they follow it as the playbook writes them ({@code purge <node> --reason R}). */
    @Argument(index = 0, name = "node", required = true, multiValued = true,
            description = "NodeID of the node to purge (options may follow it)")
    java.util.List<String> args;

    @Option(name = "--reason",
            description = "AttestationFailure, ByzantineDetection, OperatorOverride or IdentityCollapse")
    String reason;

    @Option(name = "--comment", description = "free text kept with the revocation")
    String comment;

    @Override
    public Object execute() throws Exception {
        MeshControl c = mesh();
        String node = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("--reason") || a.equals("--comment")) && i + 1 < args.size()) {
                if (a.equals("--reason")) {
                    reason = args.get(++i);
                } else {
                    comment = args.get(++i);
                }
            } else if (node == null && !a.startsWith("--")) {
                node = a;
            } else {
                throw new IllegalArgumentException("unexpected '" + a + "': aether:purge <node> --reason <Reason> [--comment text]");
            }
        }
        if (node == null || reason == null) {
            throw new IllegalArgumentException("aether:purge <node> --reason AttestationFailure|ByzantineDetection|"
                    + "OperatorOverride|IdentityCollapse [--comment text]");
        }
        Reason r = Reason.parse(reason);
        Entry e = c.purge(node, r, comment);
        audited("Purge", node + " purged (" + r.label() + ")", e);
        var s = c.gospel().summary();
        System.out.println("Revocation appended: " + node + " purged (" + r.label() + ") as Gospel entry " + e
                + "; Gospel root " + GospelCommands.hex8(s.root()) + " (" + s.size() + " entries)");
        return null;
    }
}
