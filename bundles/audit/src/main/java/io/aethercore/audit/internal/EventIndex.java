package io.aethercore.audit.internal;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Event id to leaf index of the records the log still holds. Thread-safe. */
final class EventIndex {

    private static final Logger LOG = LoggerFactory.getLogger(EventIndex.class);

    private final Map<String, Long> ids = new HashMap<>(); // guarded by itself

    /** Indexes the stored records {@code from} (inclusive) to {@code to} (exclusive). */
    void load(RecordStore store, long from, long to) throws IOException {
        for (long i = from; i < to; i++) {
            byte[] b = store.read(i);
            try {
                put(RecordCodec.parse(i, b).eventId(), i);
            } catch (IllegalArgumentException e) {
                LOG.warn("Audit log: record {} cannot be parsed ({}); aether:audit-check reports it", i, e.getMessage());
            }
        }
    }

    void put(String eventId, long index) {
        synchronized (ids) {
            ids.put(eventId, index);
        }
    }

    /** The leaf index of an event, or null. */
    Long get(String eventId) {
        synchronized (ids) {
            return ids.get(eventId);
        }
    }

    /** Forgets the records below {@code end} (dropped by retention). */
    void removeBelow(long end) {
        synchronized (ids) {
            ids.values().removeIf(i -> i < end);
        }
    }
}
