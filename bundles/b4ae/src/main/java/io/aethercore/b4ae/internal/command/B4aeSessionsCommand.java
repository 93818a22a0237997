package io.aethercore.b4ae.internal.command;

import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.api.b4ae.Session;
import io.aethercore.api.console.ReadOnly;
import io.aethercore.b4ae.internal.NodeWiring;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:b4ae-sessions}: the open B4AE sessions of every endpoint, and this node's identity. */
@Service
@ReadOnly
@Command(scope = "aether", name = "b4ae-sessions", description = "Lists open B4AE v2 sessions (mode, peer, key age) and"
        + " prints the peers entry other nodes use to pin this one.")
public class B4aeSessionsCommand implements Action {

    @Option(name = "-i", aliases = "--identity", description = "print only this node's peers entry(ies)")
    boolean identityOnly;

    @Reference(optional = true)
    List<SecureChannel> channels;

    @Override
    public Object execute() {
        if (channels == null || channels.isEmpty()) {
            System.out.println(B4aeCommands.noChannel());
            return null;
        }
        for (SecureChannel c : channels) {
            System.out.println(B4aeCommands.endpointLine(c, NodeWiring.bundle().transportProblem()));
            System.out.println("  pin me with: " + B4aeCommands.identity(c));
        }
        if (identityOnly) {
            return null;
        }
        System.out.println(B4aeCommands.header());
        int n = 0;
        for (SecureChannel c : channels) {
            for (Session s : c.sessions()) {
                System.out.println(B4aeCommands.row(c.nodeName(), s.info()));
                n++;
            }
        }
        System.out.println(n + " session(s)");
        return null;
    }
}
