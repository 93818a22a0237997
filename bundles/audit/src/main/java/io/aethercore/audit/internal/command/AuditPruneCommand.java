package io.aethercore.audit.internal.command;

import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.audit.PruneReport;
import io.aethercore.support.console.ConsoleOperator;
import java.time.Duration;
import java.time.Instant;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code aether:audit-prune}: retention. Without {@code --apply} it only says what the policy allows;
 * with it, record bodies older than {@code retention.days} (or a longer {@code --days}) are dropped, their
 * leaf hashes kept, and the run itself is recorded with the authenticated operator.
 *
 * <p>Two guards: {@code --days} below {@code retention.days} is refused (the retention period is a floor that
 * only the configuration moves, and changing that configuration is itself recorded and needs the same role), and
 * {@code --apply} needs the JAAS role {@value #ROLE}, which Karaf's default admin group does not have (grant it
 * in {@code etc/users.properties}; the shipped {@code etc/org.apache.karaf.command.acl.aether.cfg} requires it too).
 */
@Service
@Command(scope = "aether", name = "audit-prune",
        description = "Drops audit record bodies older than the retention period (leaf hashes stay; the run is audited).")
public class AuditPruneCommand implements Action {

    /** The role that may drop records. */
    public static final String ROLE = "audit-admin";

    @Option(name = "-d", aliases = "--days", description = "retention in days (default: retention.days of io.aethercore.audit)")
    int days = -1;

    @Option(name = "--apply", description = "really drop them (otherwise only report the cutoff)")
    boolean apply;

    @Reference(optional = true)
    AuditLog audit;

    @Reference(optional = true)
    org.osgi.framework.BundleContext bundleContext;

    @Override
    public Object execute() throws Exception {
        AuditLog a = AuditCommands.require(audit);
        int retention = configuredDays();
        if (days >= 0 && days < retention) {
            throw new IllegalArgumentException("Refused: --days " + days + " is below the retention period of "
                    + retention + " days (retention.days of io.aethercore.audit); records younger than that are kept");
        }
        int d = days >= 0 ? days : retention;
        Instant cutoff = Instant.now().minus(Duration.ofDays(d));
        if (!apply) {
            System.out.println("Retention " + d + " days: records before " + cutoff + " may be dropped. Run again"
                    + " with --apply to drop them (sealed segments only; leaf hashes stay).");
            return null;
        }
        ConsoleOperator operator = ConsoleOperator.current();
        if (!operator.hasRole(ROLE)) {
            throw new SecurityException("Refused: dropping audit records needs the role " + ROLE + ", which "
                    + operator.id() + " does not have (grant it in etc/users.properties)");
        }
        PruneReport r = a.prune(operator.id(), cutoff);
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
