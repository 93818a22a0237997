package io.aethercore.mesh.internal.command;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.mesh.gospel.Gospel;
import io.aethercore.mesh.gospel.GospelSync;
import io.aethercore.mesh.internal.MeshControl;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code aether:mesh-status [--watch]}: the mesh state (HEALTHY, DEGRADED, CONTESTED, RESYNCING), and per peer
 * its Gospel size, root, lag and the loss this node observes from it (docs/gospel.md, "Mesh state").
 */
@Service
@ReadOnly
@Command(scope = "aether", name = "mesh-status",
        description = "Mesh state and, per peer, Gospel size, root, lag and observed loss; --watch repeats until interrupted.")
public class MeshStatusCommand implements Action {

    @Option(name = "--watch", description = "print again every --interval until interrupted (Ctrl-C) or --count")
    boolean watch;

    @Option(name = "--interval", description = "milliseconds between prints with --watch (default 1000)")
    long interval = 1000;

    @Option(name = "--count", description = "with --watch: stop after this many prints (0: until interrupted)")
    int count;

    @Reference(optional = true)
    MeshControl control;

    @Override
    public Object execute() throws Exception {
        MeshControl c = GospelCommands.require(control);
        if (interval < 100) {
            throw new IllegalArgumentException("--interval must be at least 100 ms");
        }
        long lastResyncShown = c.node().sync().lastResync().map(GospelSync.Resync::atMillis).orElse(-1L);
        int printed = 0;
        do {
            if (printed > 0) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return null;
                }
                System.out.println();
            }
            lastResyncShown = print(c, watch ? lastResyncShown : -1);
            printed++;
        } while (watch && (count <= 0 || printed < count) && !Thread.currentThread().isInterrupted());
        return null;
    }

    /** Prints the status; the resync line when one happened after {@code shownBefore} (or, once, for a one-shot). */
    static long print(MeshControl c, long shownBefore) {
        GospelSync sync = c.node().sync();
        Gospel.Summary s = c.gospel().summary();
        StringBuilder out = new StringBuilder();
        out.append("Mesh state: ").append(sync.state()).append('\n');
        out.append("Gospel: ").append(s.size()).append(" entries, root ").append(GospelCommands.hex8(s.root()));
        for (Gospel.Head h : s.heads()) {
            out.append(", ").append(h.author()).append(' ').append(h.size());
        }
        out.append('\n');
        out.append(String.format(Locale.ROOT, "%-20s %-9s %-11s %-16s %-6s %-5s %s%n", "PEER", "REACHABLE", "GOSPEL_SIZE",
                "ROOT", "LAG", "LOSS", "AGREES"));
        for (GospelSync.PeerView p : sync.peers()) {
            out.append(String.format(Locale.ROOT, "%-20s %-9s %-11s %-16s %-6d %-5s %s%n", p.peer(),
                    p.reachable() ? "yes" : "no", p.root() == null ? "-" : String.valueOf(p.size()),
                    GospelCommands.hex8(p.root()), p.lag(), Math.round(p.loss() * 100) + "%",
                    p.agrees() ? "yes" : "no"));
        }
        long shown = shownBefore;
        var r = sync.lastResync();
        if (r.isPresent() && !sync.diverged() && r.get().atMillis() > shownBefore) {
            out.append("Mesh Resync Complete: ").append(r.get().peers()).append(" peers agree on Gospel root ")
                    .append(GospelCommands.hex8(r.get().root())).append(" (").append(r.get().size())
                    .append(" entries) after ").append(r.get().divergedMillis()).append(" ms\n");
            shown = r.get().atMillis();
        }
        System.out.print(out);
        System.out.flush();
        return shown;
    }
}
