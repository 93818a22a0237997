package io.aethercore.api.audit;

import java.util.List;

/**
 * Outcome of verifying one record: its signature, and its Merkle inclusion proof against a signed
 * checkpoint (whose own signature is checked too). {@link #summary()} is what an operator reads.
 *
 * @param eventId the event asked for
 * @param leafIndex its leaf index, or -1 if it was not found
 * @param signatureValid the record's signature verifies with the key it names
 * @param proofValid the inclusion proof leads to the root of a checkpoint with a valid node signature
 * @param checkpointSize size of the checkpoint used, or -1
 * @param failures what failed, in plain words (empty when both are valid)
 */
public record AuditVerification(String eventId, long leafIndex, boolean signatureValid, boolean proofValid,
        long checkpointSize, List<String> failures) {

    public AuditVerification {
        failures = List.copyOf(failures);
    }

    public boolean ok() {
        return signatureValid && proofValid && failures.isEmpty();
    }

    /** {@code [SUCCESS] Signature valid, Merkle proof verified}, or {@code [FAILURE] ...} naming each failure. */
    public String summary() {
        if (ok()) {
            return "[SUCCESS] Signature valid, Merkle proof verified";
        }
        return "[FAILURE] " + String.join("; ", failures);
    }
}
