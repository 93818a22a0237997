package io.aethercore.b4ae.internal.command;

import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.api.b4ae.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:b4ae-send}: sends a text message to a peer (connecting first if needed), optionally waits for a reply. */
@Service
@Command(scope = "aether", name = "b4ae-send", description = "Sends a UTF-8 message to a peer over B4AE v2 to test a link.")
public class B4aeSendCommand implements Action {

    @Argument(index = 0, name = "peer", required = true, description = "peer name")
    @Completion(B4aePeerCompleter.class)
    String peer;

    @Argument(index = 1, name = "text", required = true, description = "the message")
    String text;

    @Option(name = "-n", aliases = "--node", description = "local endpoint (default: default)")
    String node;

    @Option(name = "-m", aliases = "--mode", description = "mode for a new session: mode_a, mode_b, auto")
    String mode;

    @Option(name = "-w", aliases = "--wait", description = "wait this many ms for one reply and print it")
    long waitMillis;

    @Reference(optional = true)
    List<SecureChannel> channels;

    @Override
    public Object execute() throws Exception {
        SecureChannel c = B4aeCommands.channel(channels, node);
        Session s = c.connect(peer, B4aeCommands.mode(mode));
        byte[] m = text.getBytes(StandardCharsets.UTF_8);
        s.send(m);
        System.out.println("sent " + m.length + " bytes to " + peer + " (session " + s.info().id() + ", mode "
                + s.info().mode() + ")");
        if (waitMillis > 0) {
            byte[] reply = s.receive(Duration.ofMillis(waitMillis));
            System.out.println(reply == null ? "no reply within " + waitMillis + " ms"
                    : "reply: " + new String(reply, StandardCharsets.UTF_8));
        }
        return null;
    }
}
