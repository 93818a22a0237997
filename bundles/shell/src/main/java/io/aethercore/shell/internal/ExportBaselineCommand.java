package io.aethercore.shell.internal;

import io.aethercore.shell.internal.ops.Baseline;
import io.aethercore.shell.internal.ops.Bench;
import io.aethercore.shell.internal.ops.NodeProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.osgi.framework.BundleContext;

/**
 * {@code aether:export-baseline} (playbook Step 8.2): bench and mesh figures, the PCR baseline, versions and
 * configuration digests as JSON (docs/baseline.md); {@code --compare} lists regressions against an older
 * baseline and fails when there are any.
 */
@Service
@Command(scope = "aether", name = "export-baseline",
        description = "Writes the node's baseline (bench, mesh, PCRs, versions, config digests) as JSON;"
                + " --compare prints regressions against an older baseline and fails when there are any.")
public class ExportBaselineCommand implements Action {

    @Option(name = "-o", aliases = "--output", description = "the JSON file to write (never overwritten without --force)")
    @org.apache.karaf.shell.api.action.Completion(FileCompleter.class)
    String output;

    @Option(name = "-c", aliases = "--compare", description = "an older baseline to compare with")
    @org.apache.karaf.shell.api.action.Completion(FileCompleter.class)
    String compare;

    @Option(name = "-t", aliases = "--threshold", description = "bench regression threshold in percent (default 25)")
    int threshold = Baseline.DEFAULT_THRESHOLD_PERCENT;

    @Option(name = "-s", aliases = "--seconds", description = "time of the bench part, 1 to 120 (default 4)")
    int seconds = 4;

    @Option(name = "-f", aliases = "--force", description = "overwrite an existing --output file")
    boolean force;

    @Reference
    BundleContext bundleContext;

    @Override
    public Object execute() throws Exception {
        if (output == null && compare == null) {
            throw new IllegalArgumentException("give --output <file.json>, --compare <old.json>, or both");
        }
        if (seconds < 1 || seconds > 120) {
            throw new IllegalArgumentException("--seconds must be 1 to 120, got " + seconds);
        }
        if (threshold < 1 || threshold > 1000) {
            throw new IllegalArgumentException("--threshold must be 1 to 1000 (percent), got " + threshold);
        }
        Path out = output == null ? null : Path.of(output).toAbsolutePath();
        if (out != null && Files.exists(out) && !force) {
            throw new IllegalArgumentException(out + " exists: a baseline is never overwritten without --force");
        }
        // read the old one first: a bad file is refused before anything is measured or written
        Baseline old = compare == null ? null : Baseline.read(Path.of(compare));
        NodeProbe probe = new NodeProbe(bundleContext);
        List<Bench.Row> rows = probe.bench(seconds * 1000L / 4);
        Baseline now = probe.baseline(rows);
        if (out != null) {
            Path dir = out.getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = Files.createTempFile(dir, ".baseline-", ".tmp");
            try {
                Files.writeString(tmp, now.toJson(), StandardCharsets.UTF_8);
                Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            System.out.println("Baseline written to " + out + " (schema " + Baseline.SCHEMA + " v" + Baseline.SCHEMA_VERSION
                    + "): " + now.bench().size() + " bench figures, mesh " + (now.mesh().present() ? now.mesh().nodes()
                    + " nodes" : "not running") + ", PCRs " + (now.pcrs().source().equals("tpm") ? now.pcrs().values().size()
                    + " from the TPM" : "none (" + now.pcrs().reason() + ")") + ", " + now.config().size() + " configuration digests");
        }
        if (old == null) {
            return null;
        }
        Baseline.Comparison c = now.compare(old, threshold);
        System.out.println("Compared with " + compare + " (" + old.created() + ", node " + old.node() + "):");
        c.notes().forEach(n -> System.out.println("  ok         " + n));
        c.regressions().forEach(r -> System.out.println("  REGRESSION " + r));
        if (!c.regressions().isEmpty()) {
            throw new IllegalStateException(c.regressions().size() + " regression(s) since the baseline of " + old.created());
        }
        System.out.println("No regressions.");
        return null;
    }
}
