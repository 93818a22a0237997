package io.aethercore.mesh.internal.command;

import io.aethercore.mesh.gospel.Entry;
import io.aethercore.mesh.internal.MeshControl;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:gospel-note --text T [--count N]}: an operator's annotation in the Gospel. */
@Service
@Command(scope = "aether", name = "gospel-note",
        description = "Appends an annotation (change ticket, maintenance window) to the Gospel; --count appends N under one checkpoint.")
public class GospelNoteCommand extends GospelChangeCommand {

    @Option(name = "--text", required = true, description = "the annotation (at most 1024 characters)")
    String text;

    @Option(name = "--count", description = "append this many numbered notes under one signed checkpoint (load tests)")
    int count = 1;

    @Override
    public Object execute() throws Exception {
        MeshControl c = mesh();
        if (count < 1 || count > 100_000) {
            throw new IllegalArgumentException("--count must be 1 to 100000");
        }
        long t0 = System.nanoTime();
        List<Entry> e = c.note(text, count);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        audited("GospelNote", count + " note(s): " + text, e.get(e.size() - 1));
        var s = c.gospel().summary();
        System.out.println("Appended " + e.size() + " note(s), last " + e.get(e.size() - 1) + ", in " + ms
                + " ms; Gospel root " + GospelCommands.hex8(s.root()) + " (" + s.size() + " entries)");
        return null;
    }
}
