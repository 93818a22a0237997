package io.aethercore.b4ae.internal.command;

import io.aethercore.b4ae.internal.KeyRotation;
import io.aethercore.b4ae.internal.NodeWiring;
import java.io.PrintStream;
import java.util.Set;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code aether:b4ae-rotate-keys}: rotates the endpoint's own identity keys now (docs/b4ae-protocol.md §1.2):
 * a new generation in the key custody, announced to the peers with a live session; the old keys stay accepted
 * for key_overlap_days.
 */
@Service
@Command(scope = "aether", name = "b4ae-rotate-keys",
        description = "Rotates this node's B4AE identity keys (X25519, ML-DSA-87) and announces the new ones to the"
                + " peers with a session; the old keys stay accepted for key_overlap_days.")
public class B4aeRotateKeysCommand implements Action {

    @Option(name = "--dry-run", description = "print what would happen and change nothing")
    boolean dryRun;

    @Option(name = "-n", aliases = "--node", description = "local endpoint (default: default)")
    String node;

    @Override
    public Object execute() throws Exception {
        run(NodeWiring.bundle(), node, dryRun, System.out);
        return null;
    }

    /** The command's work, on {@code wiring}'s endpoints. */
    public static void run(NodeWiring wiring, String node, boolean dryRun, PrintStream out)
            throws KeyRotation.RotationRefused {
        KeyRotation r = rotation(wiring, node);
        print(dryRun ? r.plan() : r.rotate(), out);
    }

    static KeyRotation rotation(NodeWiring wiring, String node) {
        Set<String> nodes = wiring.rotationNodes();
        String wanted = node == null || node.isBlank() ? "default" : node.trim();
        KeyRotation r = wiring.rotation(wanted);
        if (r == null && node == null && nodes.size() == 1) {
            r = wiring.rotation(nodes.iterator().next());
        }
        if (r == null) {
            throw new IllegalStateException(nodes.isEmpty() ? B4aeCommands.noChannel()
                    : "no B4AE node '" + wanted + "'; nodes: " + nodes);
        }
        return r;
    }

    static void print(KeyRotation.Plan p, PrintStream out) {
        out.println((p.done() ? "node " : "dry run, nothing changed: node ") + p.node() + " key generation "
                + p.oldGeneration() + " -> " + p.newGeneration());
        out.printf("  %-10s %s -> %s%n", "X25519", p.oldX25519(), p.done() ? p.newX25519() : "(made at rotation)");
        if (p.oldMldsa() != null) {
            out.printf("  %-10s %s -> %s%n", "ML-DSA-87", p.oldMldsa(), p.done() ? p.newMldsa() : "(made at rotation)");
        }
        String peers = p.peers().isEmpty() ? "none (no pinned peer has a session)" : String.join(", ", p.peers());
        out.println("  " + (p.done() ? "peers notified: " : "peers to notify: ") + peers);
        out.println("  generation " + p.oldGeneration() + " accepted until " + p.overlapEnd() + " (end of overlap)");
    }
}
