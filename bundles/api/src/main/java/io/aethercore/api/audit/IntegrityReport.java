package io.aethercore.api.audit;

import java.util.List;

/**
 * Outcome of an integrity check: the tree recomputed from the stored records against every signed
 * checkpoint, every record's signature, frame and position.
 *
 * @param recordsChecked records read (pruned records count with their kept leaf hash)
 * @param checkpointsChecked signed checkpoints compared
 * @param firstBadIndex leaf index of the first record found bad, or -1
 * @param problems what was found, first problem first (empty when intact)
 */
public record IntegrityReport(long recordsChecked, long checkpointsChecked, long firstBadIndex, List<String> problems) {

    public IntegrityReport {
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    public String summary() {
        if (ok()) {
            return "[SUCCESS] " + recordsChecked + " records and " + checkpointsChecked
                    + " signed checkpoints verified, Merkle roots match";
        }
        return "[FAILURE] " + (firstBadIndex >= 0 ? "first bad record at index " + firstBadIndex + ": " : "")
                + problems.get(0) + (problems.size() > 1 ? " (+" + (problems.size() - 1) + " more)" : "");
    }
}
