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

    @Option(name = "--json", description = "print one JSON object per print instead of the table (fields: docs/aether-ctl.md)")
    boolean json;

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
            if (json) {
                printJson(c);
            } else {
                lastResyncShown = print(c, watch ? lastResyncShown : -1);
            }
            printed++;
        } while (watch && (count <= 0 || printed < count) && !Thread.currentThread().isInterrupted());
        return null;
    }

    /**
     * Prints the status as one JSON object on one line (so {@code --watch --json} gives JSON Lines): {@code state},
     * {@code gospel} {size, root, heads [{author, size}]}, {@code peers} [{peer, reachable, gospel_size, root, lag,
     * loss, agrees}], {@code last_resync} (null or {at, peers, size, root, diverged_ms}). Roots are full hex.
     */
    static void printJson(MeshControl c) {
        GospelSync sync = c.node().sync();
        Gospel.Summary s = c.gospel().summary();
        StringBuilder out = new StringBuilder();
        out.append("{\"state\":").append(str(String.valueOf(sync.state())));
        out.append(",\"gospel\":{\"size\":").append(s.size()).append(",\"root\":").append(hex(s.root()))
                .append(",\"heads\":[");
        String sep = "";
        for (Gospel.Head h : s.heads()) {
            out.append(sep).append("{\"author\":").append(str(h.author())).append(",\"size\":").append(h.size()).append('}');
            sep = ",";
        }
        out.append("]},\"peers\":[");
        sep = "";
        for (GospelSync.PeerView p : sync.peers()) {
            out.append(sep).append("{\"peer\":").append(str(p.peer()))
                    .append(",\"reachable\":").append(p.reachable())
                    .append(",\"gospel_size\":").append(p.root() == null ? "null" : String.valueOf(p.size()))
                    .append(",\"root\":").append(hex(p.root()))
                    .append(",\"lag\":").append(p.lag())
                    .append(",\"loss\":").append(String.format(Locale.ROOT, "%.3f", p.loss()))
                    .append(",\"agrees\":").append(p.agrees()).append('}');
            sep = ",";
        }
        out.append("],\"last_resync\":");
        var r = sync.lastResync();
        if (r.isPresent()) {
            out.append("{\"at\":").append(str(java.time.Instant.ofEpochMilli(r.get().atMillis()).toString()))
                    .append(",\"peers\":").append(r.get().peers())
                    .append(",\"size\":").append(r.get().size())
                    .append(",\"root\":").append(hex(r.get().root()))
                    .append(",\"diverged_ms\":").append(r.get().divergedMillis()).append('}');
        } else {
            out.append("null");
        }
        out.append("}\n");
        System.out.print(out);
        System.out.flush();
    }

    private static String hex(byte[] root) {
        return root == null ? "null" : "\"" + java.util.HexFormat.of().formatHex(root) + "\"";
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String str(String v) {
        StringBuilder b = new StringBuilder(v.length() + 2).append('"');
        for (char ch : v.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20 || ch == 0x7f || ch == '\u2028' || ch == '\u2029' || Character.isSurrogate(ch)) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.append('"').toString();
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
