package io.aethercore.audit.internal.command;

import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.audit.PruneReport;
import java.time.Duration;
import java.time.Instant;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code aether:audit-prune}: retention. Without {@code --apply} it only says what the policy allows;
 * with it, record bodies older than {@code retention.days} (or {@code --days}) are dropped, their leaf
 * hashes kept, and the run itself is recorded with the console user as operator.
 */
@Service
@Command(scope = "aether", name = "audit-prune",
        description = "Drops audit record bodies older than the retention period (leaf hashes stay; the run is audited).")
public class AuditPruneCommand implements Action {

    @Option(name = "-d", aliases = "--days", description = "retention in days (default: retention.days of io.aethercore.audit)")
    int days = -1;

    @Option(name = "--apply", description = "really drop them (otherwise only report the cutoff)")
    boolean apply;

    @Reference(optional = true)
    AuditLog audit;

    @Reference
    Session session;

    @Reference(optional = true)
    org.osgi.framework.BundleContext bundleContext;

    @Override
    public Object execute() throws Exception {
        AuditLog a = AuditCommands.require(audit);
        int d = days >= 0 ? days : configuredDays();
        Instant cutoff = Instant.now().minus(Duration.ofDays(d));
        if (!apply) {
            System.out.println("Retention " + d + " days: records before " + cutoff + " may be dropped. Run again"
                    + " with --apply to drop them (sealed segments only; leaf hashes stay).");
            return null;
        }
        PruneReport r = a.prune(Operators.current(session.get("USER")), cutoff);
        System.out.println("Dropped " + r.recordsDropped() + " record bodies before " + r.cutoff() + " ("
                + r.bytesFreed() + " bytes); oldest stored record is now index " + r.firstKeptIndex());
        return null;
    }

    private int configuredDays() {
        if (bundleContext != null) {
            var ref = bundleContext.getServiceReference(AuditLog.class);
            Object v = ref == null ? null : ref.getProperty("aethercore.audit.retention.days");
            if (v instanceof Integer i) {
                return i;
            }
        }
        return 2555;
    }
}
