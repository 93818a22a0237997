package io.aethercore.mesh.internal.command;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.api.mesh.NodeRegistry;
import io.aethercore.mesh.registry.NodeTable;
import java.time.Instant;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:trust <node>}: a node's trust score and the factors it is made of. */
@Service
@ReadOnly
@Command(scope = "aether", name = "trust", description = "Shows a node's trust score, its factors and its certificate.")
public class TrustCommand implements Action {

    @Argument(index = 0, name = "node", required = true, description = "the NodeID")
    String node;

    @Reference
    NodeRegistry registry;

    @Override
    public Object execute() {
        var r = registry.node(node).orElseThrow(() -> new IllegalArgumentException("no node '" + node
                + "' in the registry (aether:list-nodes lists them)"));
        System.out.print(NodeTable.renderTrust(r, Instant.now()));
        return null;
    }
}
