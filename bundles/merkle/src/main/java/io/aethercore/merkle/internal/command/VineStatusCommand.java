package io.aethercore.merkle.internal.command;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleVine;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code aether:vine-status}: every Merkle log with its size, root and storage use. */
@Service
@ReadOnly
@Command(scope = "aether", name = "vine-status", description = "Lists the Merkle Vine logs: size, durable size, root, storage use.")
public class VineStatusCommand implements Action {

    @Reference(optional = true)
    MerkleVine vine;

    @Override
    public Object execute() {
        if (vine == null) {
            System.out.println(VineCommands.notRunning());
            return null;
        }
        ShellTable t = new ShellTable();
        t.column("Log");
        t.column("Hash");
        t.column("Size").alignRight();
        t.column("Durable").alignRight();
        t.column("Root");
        t.column("Storage").alignRight();
        for (MerkleLog l : vine.logs()) {
            t.addRow().addContent(l.name(), l.algorithm().id(), l.size(), l.durableSize(),
                    VineCommands.hex(l.root()), l.storageBytes() < 0 ? "memory" : VineCommands.bytes(l.storageBytes()));
        }
        t.print(System.out);
        if (vine.logs().isEmpty()) {
            System.out.println(VineCommands.names(vine.logs()));
        }
        return null;
    }
}
