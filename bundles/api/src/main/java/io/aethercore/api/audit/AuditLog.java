package io.aethercore.api.audit;

import io.aethercore.api.merkle.SignedCheckpoint;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's tamper-evident audit log. Every record is signed by the node's key (through its key
 * custody: software, TPM or HSM), stored durably, and appended as a leaf of a Merkle tree whose
 * checkpoints the node signs and publishes. Thread-safe.
 */
@ProviderType
public interface AuditLog {

    /**
     * Records an event and returns once the record and its Merkle leaf are on stable storage.
     *
     * @throws AuditException if the record could not be made durable (it is then not in the log)
     * @throws IllegalArgumentException never for a valid {@link AuditEvent}
     */
    AuditReceipt record(AuditEvent event) throws AuditException;

    /**
     * Records without blocking the caller; the future completes with the receipt once durable, or
     * exceptionally with an {@link AuditException}.
     */
    CompletableFuture<AuditReceipt> recordAsync(AuditEvent event);

    /** The record of an event, if it is stored (and not dropped by retention). */
    Optional<AuditRecord> get(String eventId) throws AuditException;

    /** The record at a leaf index, if its body is still stored. */
    Optional<AuditRecord> at(long leafIndex) throws AuditException;

    /** The newest {@code n} records, oldest first. */
    List<AuditRecord> last(int n) throws AuditException;

    /** A receipt for a stored record, with a proof against the latest signed checkpoint. */
    Optional<AuditReceipt> receipt(String eventId) throws AuditException;

    /** Checks one record's signature and Merkle proof against the latest signed checkpoint. */
    AuditVerification verify(String eventId) throws AuditException;

    /** Recomputes the tree from the stored records and compares it with every published checkpoint. */
    IntegrityReport checkIntegrity() throws AuditException;

    /** Number of records (leaves), including records whose bodies retention dropped. */
    long size();

    /** The latest checkpoint the node signed (published or made for a receipt), if any. */
    Optional<SignedCheckpoint> latestCheckpoint();

    /** Signs a checkpoint of the current tree now and publishes it (checkpoint file and sinks). */
    SignedCheckpoint publishCheckpoint() throws AuditException;

    /**
     * Drops the bodies of records accepted before {@code cutoff}; leaf hashes stay, so the tree keeps
     * verifying. Records an {@code AuditPrune} event by {@code operatorId} first.
     */
    PruneReport prune(String operatorId, Instant cutoff) throws AuditException;

    /** Delivery counters of every sink now bound. */
    List<SinkStatus> sinks();
}
