package io.aethercore.api.audit;

import java.time.Instant;

/**
 * Outcome of a retention run: record bodies older than {@code cutoff} were dropped; their leaf hashes
 * stay, so the tree and every checkpoint still verify.
 *
 * @param cutoff records accepted before this instant were eligible
 * @param recordsDropped record bodies dropped by this run
 * @param firstKeptIndex leaf index of the oldest record whose body is still stored
 * @param bytesFreed bytes of record storage released
 */
public record PruneReport(Instant cutoff, long recordsDropped, long firstKeptIndex, long bytesFreed) {}
