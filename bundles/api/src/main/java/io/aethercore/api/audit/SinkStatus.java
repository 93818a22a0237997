package io.aethercore.api.audit;

/**
 * Delivery counters of one sink, as the audit log sees it.
 *
 * @param name the sink's name
 * @param delivered records and checkpoints handed to the sink successfully
 * @param dropped items dropped because the sink's queue was full (back-pressure)
 * @param failed items the sink failed to deliver (after its retries)
 * @param queued items waiting now
 * @param capacity the queue's bound
 * @param lastError the last failure, or null
 */
public record SinkStatus(String name, long delivered, long dropped, long failed, int queued, int capacity,
        String lastError) {}
