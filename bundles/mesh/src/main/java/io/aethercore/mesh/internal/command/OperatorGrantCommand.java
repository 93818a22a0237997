package io.aethercore.mesh.internal.command;

import io.aethercore.mesh.gospel.Entry;
import io.aethercore.mesh.internal.MeshControl;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:operator-grant <node> [--withdraw]}: the authority makes an enrolled node's key an operator key. */
@Service
@Command(scope = "aether", name = "operator-grant",
        description = "Authority only: grants (or --withdraw) the operator role to an enrolled node; operators sign purges and configuration.")
public class OperatorGrantCommand extends GospelChangeCommand {

    @Argument(index = 0, name = "node", required = true, description = "NodeID whose node key becomes an operator key")
    String node;

    @Option(name = "--withdraw", description = "withdraw the role instead")
    boolean withdraw;

    @Override
    public Object execute() throws Exception {
        MeshControl c = mesh();
        Entry e = c.operator(node, !withdraw);
        audited("OperatorGrant", node + (withdraw ? " withdrawn" : " granted"), e);
        System.out.println("Operator role " + (withdraw ? "withdrawn from " : "granted to ") + node + " (Gospel entry " + e + ")");
        return null;
    }
}
