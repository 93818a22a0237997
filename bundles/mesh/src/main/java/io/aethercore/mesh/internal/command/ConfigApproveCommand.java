package io.aethercore.mesh.internal.command;

import io.aethercore.mesh.gospel.Entry;
import io.aethercore.mesh.internal.MeshControl;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:config-approve <author>#<seq>}: an operator approves a mesh-wide change (quorum). */
@Service
@Command(scope = "aether", name = "config-approve",
        description = "Approves a proposed mesh-wide configuration change, named as aether:gospel prints it (author#seq).")
public class ConfigApproveCommand extends GospelChangeCommand {

    @Argument(index = 0, name = "entry", required = true, description = "the CONFIG entry: <author>#<seq>")
    String entry;

    @Override
    public Object execute() throws Exception {
        MeshControl c = mesh();
        int hash = entry.lastIndexOf('#');
        if (hash <= 0) {
            throw new IllegalArgumentException("name the entry as <author>#<seq>, e.g. fa-1#12");
        }
        long seq = Long.parseLong(entry.substring(hash + 1));
        Entry e = c.approve(entry.substring(0, hash), seq);
        audited("ConfigApprove", entry, e);
        System.out.println("Approved " + entry + " (Gospel entry " + e + ")");
        return null;
    }
}
