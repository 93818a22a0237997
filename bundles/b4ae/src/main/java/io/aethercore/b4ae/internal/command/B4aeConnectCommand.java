package io.aethercore.b4ae.internal.command;

import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.api.b4ae.Session;
import java.net.InetSocketAddress;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code aether:b4ae-connect}: opens (or reuses) a session to a pinned peer and says how long it took. */
@Service
@Command(scope = "aether", name = "b4ae-connect", description = "Opens a B4AE v2 session to a pinned peer.")
public class B4aeConnectCommand implements Action {

    @Argument(index = 0, name = "peer", required = true, description = "peer name as pinned (peers configuration)")
    @Completion(B4aePeerCompleter.class)
    String peer;

    @Option(name = "-m", aliases = "--mode", description = "mode_a, mode_b or auto (default: negotiate)")
    @Completion(value = StringsCompleter.class, values = {"mode_a", "mode_b", "auto"})
    String mode;

    @Option(name = "-a", aliases = "--address", description = "host:port (default: the configured address)")
    String address;

    @Option(name = "-n", aliases = "--node", description = "local endpoint (default: default)")
    String node;

    @Reference(optional = true)
    List<SecureChannel> channels;

    @Override
    public Object execute() throws Exception {
        SecureChannel c = B4aeCommands.channel(channels, node);
        long t0 = System.nanoTime();
        Session s = address == null ? c.connect(peer, B4aeCommands.mode(mode))
                : c.connect(peer, parse(address), B4aeCommands.mode(mode));
        long micros = (System.nanoTime() - t0) / 1000;
        var i = s.info();
        System.out.println("session " + i.id() + " with " + i.peer() + " at " + i.peerAddress() + ": mode " + i.mode()
                + ", peer key " + i.peerKeyFingerprint().substring(0, 16) + ", established in " + micros / 1000.0 + " ms");
        return null;
    }

    static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("address must be host:port");
        }
        return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }
}
