package io.aethercore.api.audit;

import io.aethercore.api.merkle.SignedCheckpoint;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A destination for audit records and published checkpoints (a file, syslog, a SIEM), registered as
 * a whiteboard service; the audit log picks sinks up and drops them at runtime.
 *
 * <p>The log calls a sink from a delivery thread of that sink only, after the record is durable, in
 * record order, through a bounded queue: a slow or dead sink never delays {@link AuditLog#record}
 * and never loses the primary record; items that do not fit its queue are dropped and counted
 * ({@link SinkStatus}). A sink that throws has the item counted as failed.
 *
 * <p>Service properties: {@value #NAME} (String), {@value #QUEUE_CAPACITY} (Integer, default 10000),
 * {@value #HASH_IDENTITIES} (Boolean: the log hands the sink records whose identities are keyed
 * hashes, see {@link AuditRecord#withHashedIdentities}).
 */
@ConsumerType
public interface AuditSink {

    String NAME = "aethercore.audit.sink.name";
    String QUEUE_CAPACITY = "aethercore.audit.sink.queue";
    String HASH_IDENTITIES = "aethercore.audit.sink.hash_identities";

    /** Delivers one record. Throwing counts the record as failed for this sink. */
    void accept(AuditRecord record) throws Exception;

    /** Delivers a published signed checkpoint (every {@code root_publish_interval_s}). */
    default void acceptCheckpoint(SignedCheckpoint checkpoint) throws Exception {}

    /** Called by the delivery thread when its queue is empty: a chance to flush buffered output. */
    default void flush() throws Exception {}
}
