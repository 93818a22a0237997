package io.aethercore.audit.internal.command;

import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.audit.AuditReceipt;
import io.aethercore.api.audit.AuditRecord;
import io.aethercore.audit.internal.RecordCodec;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code aether:audit-log --last N}: the newest records in the operator's view (docs/operations.md, "Audit log"), one
 * JSON object per record with {@code event_id, timestamp_ns, operator_id, action, target, signature,
 * merkle_proof}; the proof is against the latest signed checkpoint.
 */
@Service
@Command(scope = "aether", name = "audit-log", description = "Prints the newest audit records as JSON with their Merkle proofs.")
public class AuditLogCommand implements Action {

    @Option(name = "-n", aliases = "--last", description = "how many records (default 10)")
    int last = 10;

    @Reference(optional = true)
    AuditLog audit;

    @Override
    public Object execute() throws Exception {
        AuditLog a = AuditCommands.require(audit);
        if (last < 1 || last > 100_000) {
            throw new IllegalArgumentException("--last must be 1 to 100000");
        }
        List<AuditRecord> records = a.last(last);
        StringBuilder out = new StringBuilder();
        for (AuditRecord r : records) {
            AuditReceipt receipt = a.receipt(r.eventId()).orElse(null);
            List<byte[]> proof = receipt == null ? List.of() : receipt.proof().path();
            out.append(RecordCodec.operatorJson(r, proof)).append('\n');
        }
        if (records.isEmpty()) {
            out.append("[]\n");
        }
        System.out.print(out);
        return null;
    }
}
