package io.aethercore.testing.karaf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * AetherCore specifics on top of {@link KarafNode}: a node recipe (own swtpm, B4AE endpoint named after the
 * node, ready when the B4AE channel runs) and the B4AE peer pinning that tests with several nodes need.
 */
public final class AetherCoreNodes {

    /** The B4AE configuration PID. */
    public static final String B4AE_PID = "io.aethercore.b4ae";
    private static final String PIN_MARK = "pin me with: ";
    /** A wildcard listen address as the identity line prints it (Java's dual-stack socket shows the IPv6 one). */
    private static final Pattern WILDCARD = Pattern.compile(";address=(?:0\\.0\\.0\\.0|0:0:0:0:0:0:0:0|::|\\[::\\]):");

    private AetherCoreNodes() {}

    /**
     * A node with its own swtpm, its B4AE endpoint named {@code name} (so its identity line reads
     * {@code name=<name>;...}), ready when {@code aether:b4ae-sessions -i} prints that line.
     */
    public static KarafNode.Builder node(String name) {
        return KarafNode.builder(name)
                .swtpm()
                .configure(B4AE_PID, "name", name)
                .readyWhen("the B4AE channel is up", "aether:b4ae-sessions -i", o -> o.contains(PIN_MARK));
    }

    /**
     * The node's B4AE static identity as {@code aether:b4ae-sessions -i} prints it: the peers entry other
     * nodes pin ({@code name=...;address=...;x25519=...;mldsa87=...}). A node listening on every address
     * ({@code 0.0.0.0:4000}, as in a network namespace) prints a wildcard ({@code 0:0:0:0:0:0:0:0:4000}: the
     * JVM opens a dual-stack socket); here it is replaced by the node's {@link KarafNode#address()}, where the
     * others reach it.
     */
    public static String identity(KarafNode node) {
        String out = node.execute("aether:b4ae-sessions -i");
        for (String line : out.split("\n")) {
            int i = line.indexOf(PIN_MARK);
            if (i >= 0) {
                return WILDCARD.matcher(line.substring(i + PIN_MARK.length()).trim())
                        .replaceFirst(";address=" + node.address() + ":");
            }
        }
        throw new ConsoleException("node " + node.name() + ": no '" + PIN_MARK + "' line in aether:b4ae-sessions -i:\n" + out,
                null, null);
    }

    /**
     * Pins each node as a peer of every other one (their identities, read from their consoles) and waits
     * until each node's configuration has taken them.
     */
    public static void pinEachOther(List<KarafNode> nodes) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (KarafNode n : nodes) {
            ids.add(identity(n));
        }
        for (int i = 0; i < nodes.size(); i++) {
            List<String> others = new ArrayList<>(ids);
            others.remove(i);
            writePeers(nodes.get(i), others);
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = 0; j < nodes.size(); j++) {
                if (i != j) {
                    awaitPeer(nodes.get(i), nodes.get(j).name());
                }
            }
        }
    }

    /**
     * Writes the peers of a node's {@code etc/io.aethercore.b4ae.cfg}, one key per peer as the README documents
     * ({@code peers.1 = name=node2;...}, {@code peers.2 = ...}); a running node applies them within about a
     * second (FileInstall). The one place that knows the syntax of {@code peers}. Keys of an earlier call with
     * more peers stay (pinning only adds).
     */
    public static void writePeers(KarafNode node, List<String> entries) {
        for (int i = 0; i < entries.size(); i++) {
            node.configure(B4AE_PID, "peers." + (i + 1), entries.get(i));
        }
    }

    /** Waits until the node's configuration (Config Admin, as the console shows it) holds {@code peer}. */
    static void awaitPeer(KarafNode node, String peer) throws InterruptedException {
        node.awaitOutput("config:property-list -p " + B4AE_PID, o -> o.contains("name=" + peer + ";"),
                Duration.ofSeconds(30));
    }
}
