package io.aethercore.audit.internal.command;

import io.aethercore.api.audit.IntegrityReport;
import io.aethercore.api.audit.AuditLog;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code aether:audit-check}: the daily integrity check (docs/operations.md, "Audit log"). Recomputes the tree from the
 * stored records, checks every record's signature and every published checkpoint; fails (non-zero exit
 * through {@code bin/client}) naming the first bad index.
 */
@Service
@Command(scope = "aether", name = "audit-check",
        description = "Recomputes the audit Merkle tree from the stored records and compares it with every signed checkpoint.")
public class AuditCheckCommand implements Action {

    @Reference(optional = true)
    AuditLog audit;

    @Override
    public Object execute() throws Exception {
        IntegrityReport r = AuditCommands.require(audit).checkIntegrity();
        if (!r.ok()) {
            StringBuilder sb = new StringBuilder(r.summary());
            for (String p : r.problems()) {
                sb.append("\n  ").append(p);
            }
            sb.append("\nMerkle root mismatch or bad record: investigate tampering and restore from backup;"
                    + " invalid signature: treat the signing key as compromised.");
            throw new IllegalStateException(sb.toString());
        }
        System.out.println(r.summary());
        return null;
    }
}
