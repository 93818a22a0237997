package io.aethercore.merkle.internal.command;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.api.merkle.ConsistencyProof;
import io.aethercore.api.merkle.InclusionProof;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.formats.merkle.MerkleProofs;
import io.aethercore.api.merkle.MerkleVine;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:vine-prove}: an inclusion (or consistency) proof, printed and verified on the spot. */
@Service
@ReadOnly
@Command(scope = "aether", name = "vine-prove",
        description = "Prints the inclusion proof of an entry (or a consistency proof) and verifies it.")
public class VineProveCommand implements Action {

    @Option(name = "-l", aliases = "--log", description = "log name (optional when only one log exists)")
    @Completion(LogNameCompleter.class)
    String logName;

    @Option(name = "-s", aliases = "--size", description = "tree size to prove against (default: current size)")
    long size = -1;

    @Option(name = "-c", aliases = "--consistency", description = "print the consistency proof from this older size instead")
    long consistencyFrom = -1;

    @Argument(index = 0, name = "index", description = "entry index (0-based)", required = false)
    long index = -1;

    @Reference(optional = true)
    MerkleVine vine;

    @Override
    public Object execute() throws Exception {
        MerkleLog log = VineCommands.log(vine, logName);
        long n = size < 0 ? log.size() : size;
        if (consistencyFrom >= 0) {
            ConsistencyProof p = log.consistencyProof(consistencyFrom, n);
            byte[] oldRoot = log.rootAt(consistencyFrom);
            byte[] newRoot = log.rootAt(n);
            System.out.println("log:        " + log.name() + " (" + log.algorithm().id() + ")");
            System.out.println("old size:   " + consistencyFrom + "  root " + VineCommands.hex(oldRoot));
            System.out.println("new size:   " + n + "  root " + VineCommands.hex(newRoot));
            printPath(p.path());
            MerkleProofs.verifyConsistency(log.hasher(), p, oldRoot, newRoot);
            System.out.println("[VERIFIED] the tree of size " + consistencyFrom + " is a prefix of the tree of size " + n);
            return null;
        }
        if (index < 0) {
            throw new IllegalArgumentException("give an entry index, or --consistency OLD_SIZE");
        }
        InclusionProof p = log.inclusionProof(index, n);
        byte[] leaf = log.leafHash(index);
        byte[] root = log.rootAt(n);
        System.out.println("log:        " + log.name() + " (" + log.algorithm().id() + ")");
        System.out.println("index:      " + index);
        System.out.println("tree size:  " + n);
        System.out.println("leaf hash:  " + VineCommands.hex(leaf));
        System.out.println("root:       " + VineCommands.hex(root));
        printPath(p.path());
        MerkleProofs.verifyInclusion(log.hasher(), leaf, p, root);
        System.out.println("[VERIFIED] entry " + index + " is in the tree of size " + n);
        return null;
    }

    private static void printPath(java.util.List<byte[]> path) {
        System.out.println("proof:      " + path.size() + " hash" + (path.size() == 1 ? "" : "es"));
        for (int i = 0; i < path.size(); i++) {
            System.out.println(String.format("  [%2d] %s", i, VineCommands.hex(path.get(i))));
        }
    }
}
