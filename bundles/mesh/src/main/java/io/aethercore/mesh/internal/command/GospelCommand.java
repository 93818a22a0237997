package io.aethercore.mesh.internal.command;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.mesh.gospel.Entry;
import io.aethercore.mesh.gospel.Gospel;
import io.aethercore.mesh.internal.MeshControl;
import java.time.Instant;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:gospel}: the Gospel's root, chains, operators, mesh-wide configuration and last entries. */
@Service
@ReadOnly
@Command(scope = "aether", name = "gospel", description = "Shows the Gospel: root, chains, operators, configuration, forks and the last entries.")
public class GospelCommand implements Action {

    @Option(name = "--entries", description = "how many of the last entries to list (default 10)")
    int entries = 10;

    @Reference(optional = true)
    MeshControl control;

    @Override
    public Object execute() {
        MeshControl c = GospelCommands.require(control);
        Gospel g = c.gospel();
        Gospel.Summary s = g.summary();
        StringBuilder out = new StringBuilder();
        out.append("Gospel root: ").append(java.util.HexFormat.of().formatHex(s.root())).append('\n');
        out.append("Entries: ").append(s.size()).append('\n');
        for (Gospel.Head h : s.heads()) {
            out.append("Chain ").append(h.author()).append(": ").append(h.size()).append(" entries, root ")
                    .append(GospelCommands.hex8(h.root())).append('\n');
        }
        out.append("Signs as: ").append(g.authorName().filter(g::isAuthority).orElse("(not an authority)")).append('\n');
        out.append("Operators: ").append(g.operators().isEmpty() ? "none" : String.join(", ", g.operators())).append('\n');
        out.append("Quorum: ").append(g.quorum()).append('\n');
        g.configuration().forEach((k, v) -> out.append("Mesh-wide ").append(k).append(" = ").append(v).append('\n'));
        for (Gospel.ForkProof f : g.forks()) {
            out.append("FORK: ").append(f.describe()).append('\n');
        }
        List<Entry> all = g.entries();
        all.sort((a, b) -> Long.compare(a.timeMillis(), b.timeMillis()));
        for (Entry e : all.subList(Math.max(0, all.size() - Math.max(0, entries)), all.size())) {
            out.append(Instant.ofEpochMilli(e.timeMillis())).append("  ").append(e).append('\n');
        }
        System.out.print(out);
        return null;
    }
}
