package io.aethercore.api.merkle;

/** When an append is acknowledged. */
public enum Durability {
    /** After the entry and its hashes are on stable storage, synced for this append (or with appends that came with it). */
    SYNC,
    /**
     * After a group commit: appends arriving within the log's group-commit window share one sync.
     * As durable as {@link #SYNC}, with more throughput and up to the window's added latency.
     */
    GROUP,
    /**
     * At once, with the entry in memory; it becomes durable with the next group commit. A crash can
     * lose appends acknowledged this way (never older, synced ones). For bulk loads and telemetry.
     */
    ASYNC
}
