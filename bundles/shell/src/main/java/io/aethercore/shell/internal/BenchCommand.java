package io.aethercore.shell.internal;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.shell.internal.ops.Bench;
import io.aethercore.shell.internal.ops.NodeProbe;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;

/** {@code aether:bench}: the playbook's Step 1.2 table, measured in this node (docs/baseline.md). */
@Service
@ReadOnly
@Command(scope = "aether", name = "bench",
        description = "Measures BLAKE3 1 MB, the node key's signature, Ed25519 verify and a Merkle Vine append"
                + " (scratch in-memory log) against the playbook's target/acceptable/failure bands.")
public class BenchCommand implements Action {

    @Option(name = "-s", aliases = "--seconds", description = "total time of the run, 1 to 120 (default 4: 1 s per row)")
    int seconds = 4;

    @Reference
    BundleContext bundleContext;

    @Override
    public Object execute() {
        if (seconds < 1 || seconds > 120) {
            throw new IllegalArgumentException("--seconds must be 1 to 120, got " + seconds);
        }
        List<Bench.Row> rows = new NodeProbe(bundleContext).bench(seconds * 1000L / 4);
        Bench.table(rows).forEach(System.out::println);
        long fails = rows.stream().filter(r -> r.status().equals("FAIL")).count();
        System.out.println("Each row: a quarter of its time warm-up, then the mean of the timed operations."
                + (fails > 0 ? " " + fails + " row(s) in the playbook's failure band." : ""));
        return null;
    }
}
