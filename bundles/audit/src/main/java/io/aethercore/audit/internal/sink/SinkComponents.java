package io.aethercore.audit.internal.sink;

/**
 * Audit sinks as factory configurations, one file each ({@code etc/<pid>-<name>.cfg}). Every sink
 * takes {@code name}, {@code hash_identities} (keyed hashes of operator, peer and session ids, the
 * privacy option of docs/operations.md, "Audit log") and {@code queue.capacity} (its bound; items beyond it are dropped and
 * counted, never blocking {@code record}). The audit log binds sinks as they come and go.
 */
final class SinkComponents {

    private SinkComponents() {}

    static String karafData() {
        return System.getProperty("karaf.data", "data");
    }
}
