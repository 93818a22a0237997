package io.aethercore.dashboard.auth;

import java.util.ArrayList;
import java.util.List;

/** An audit that keeps every record, for assertions. */
final class RecordingAudit implements AuthAudit {

    record Entry(String action, String operator, boolean success, String detail) {
    }

    private final List<Entry> entries = new ArrayList<>();

    @Override
    public synchronized void record(String action, String operator, boolean success, String detail) {
        entries.add(new Entry(action, operator, success, detail));
    }

    synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    synchronized boolean has(String action, String operator, boolean success, String detailPart) {
        return entries.stream().anyMatch(e -> e.action().equals(action) && java.util.Objects.equals(e.operator(), operator)
                && e.success() == success && (detailPart == null || e.detail().contains(detailPart)));
    }

    synchronized void clear() {
        entries.clear();
    }
}
