package io.aethercore.b4ae.internal.command;

import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.api.b4ae.Session;
import io.aethercore.api.console.ReadOnly;
import io.aethercore.b4ae.internal.SessionDetails;
import io.aethercore.b4ae.internal.NodeWiring;
import io.aethercore.support.json.Json;
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

    @Option(name = "--json", description = "print JSON instead of the table (for scripts: bin/aether-ctl b4ae-sessions --json)")
    boolean json;

    @Reference(optional = true)
    List<SecureChannel> channels;

    @Override
    public Object execute() {
        if (channels == null || channels.isEmpty()) {
            System.out.println(json ? "{\"endpoints\": []}" : B4aeCommands.noChannel());
            return null;
        }
        if (json) {
            System.out.println(json(channels, identityOnly));
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
                System.out.println(B4aeCommands.row(c.nodeName(), s.info(), SessionDetails.recordAead(s)));
                n++;
            }
        }
        System.out.println(n + " session(s)");
        return null;
    }

    /**
     * One object: {@code endpoints}, each with its node name, address (null when not listening), modes, the
     * peers entry that pins it, and (unless identity only) its sessions with every field of the table.
     */
    static String json(List<SecureChannel> channels, boolean identityOnly) {
        StringBuilder b = new StringBuilder("{\"endpoints\": [");
        String sep = "";
        for (SecureChannel c : channels) {
            b.append(sep).append("{\"node\": ").append(Json.quote(c.nodeName()))
                    .append(", \"address\": ").append(c.localAddress() == null ? "null" : Json.quote(String.valueOf(c.localAddress())))
                    .append(", \"modes\": ").append(Json.quote(String.valueOf(c.supportedModes())))
                    .append(", \"pin\": ").append(Json.quote(B4aeCommands.identity(c)));
            if (!identityOnly) {
                b.append(", \"sessions\": [");
                String s2 = "";
                for (Session s : c.sessions()) {
                    var i = s.info();
                    b.append(s2).append("{\"id\": ").append(Json.quote(i.id()))
                            .append(", \"peer\": ").append(Json.quote(i.peer()))
                            .append(", \"mode\": ").append(Json.quote(String.valueOf(i.mode())))
                            .append(", \"role\": ").append(Json.quote(i.initiator() ? "initiator" : "responder"))
                            .append(", \"peer_address\": ").append(Json.quote(String.valueOf(i.peerAddress())))
                            .append(", \"opened\": ").append(Json.quote(String.valueOf(i.opened())))
                            .append(", \"keys_age_seconds\": ").append(i.keysAge().toSeconds())
                            .append(", \"key_generation\": ").append(i.keyGeneration())
                            .append(", \"records_sent\": ").append(i.recordsSent())
                            .append(", \"records_received\": ").append(i.recordsReceived())
                            .append(", \"peer_key_fingerprint\": ").append(Json.quote(i.peerKeyFingerprint()))
                            .append(", \"record_aead\": ").append(Json.quote(SessionDetails.recordAead(s)))
                            .append(", \"open\": ").append(i.open()).append('}');
                    s2 = ", ";
                }
                b.append(']');
            }
            b.append('}');
            sep = ", ";
        }
        return b.append("]}").toString();
    }
}
