package io.aethercore.mesh.internal.command;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.api.mesh.NodeRegistry;
import io.aethercore.api.mesh.NodeStatus;
import io.aethercore.mesh.registry.NodeTable;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:list-nodes}: the federation's nodes, as the playbook's Step 3.2 prints them. */
@Service
@ReadOnly
@Command(scope = "aether", name = "list-nodes", description = "Lists the federation's nodes: NODE_ID STATUS TRUST_SCORE LAST_SEEN.")
public class ListNodesCommand implements Action {

    @Option(name = "--status", description = "only nodes of this status: HEALTHY, DEGRADED, QUARANTINED, COMPROMISED, PURGED")
    String status;

    @Option(name = "--json", description = "print JSON instead of the table")
    boolean json;

    @Reference
    NodeRegistry registry;

    @Override
    public Object execute() {
        Optional<NodeStatus> filter;
        try {
            filter = status == null ? Optional.empty() : Optional.of(NodeStatus.valueOf(status.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--status must be one of HEALTHY, DEGRADED, QUARANTINED, COMPROMISED, PURGED");
        }
        Instant now = Instant.now();
        var nodes = registry.nodes();
        System.out.print(json ? NodeTable.renderJson(nodes, filter) : NodeTable.render(nodes, filter, now));
        return null;
    }
}
