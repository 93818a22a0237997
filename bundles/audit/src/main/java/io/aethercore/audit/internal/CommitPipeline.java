package io.aethercore.audit.internal;

import io.aethercore.api.audit.AuditException;
import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.audit.internal.RecordSigner.Committed;
import io.aethercore.audit.internal.RecordSigner.Pending;
import io.aethercore.support.lifecycle.GroupCommit;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path of signed records (docs/audit.md): one committer ({@link GroupCommit}) takes whatever
 * is queued as a batch, writes it to the record store and syncs it once, then appends the batch's
 * digests to the Merkle log and goes on with the next batch while the Merkle log syncs; one
 * acknowledger thread, when a batch's leaves are durable, signs one checkpoint for the batch and
 * completes its callers. A record is acknowledged only when both its body and its leaf are on stable
 * storage; the body always goes first, so after a crash the Merkle log never holds a leaf whose
 * record is missing.
 */
final class CommitPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(CommitPipeline.class);

    private final RecordStore store;
    private final MerkleLog log;
    private final CheckpointPublisher checkpoints;
    private final EventIndex ids;
    private final SinkHub sinks;
    private final ExecutorService acknowledger;
    private final GroupCommit.Options options;
    private final Function<Runnable, Thread> committerThread;
    private GroupCommit<Pending> commits;
    private volatile String failure; // set once: the log stops accepting records
    private volatile long committedSize;
    /** Acknowledgement of the newest committed batch; batches are acknowledged in order. */
    private volatile CompletableFuture<?> lastAck = CompletableFuture.completedFuture(null);

    /**
     * @param committed records durable in both the store and the Merkle log at start
     * @param failure why the log does not record (damage found at start), or null
     */
    CommitPipeline(RecordStore store, MerkleLog log, CheckpointPublisher checkpoints, EventIndex ids, SinkHub sinks,
            int maxBatch, int maxQueued, long committed, String failure, ExecutorService acknowledger,
            Function<Runnable, Thread> committerThread) {
        this.store = store;
        this.log = log;
        this.checkpoints = checkpoints;
        this.ids = ids;
        this.sinks = sinks;
        this.acknowledger = acknowledger;
        this.options = new GroupCommit.Options(Duration.ZERO, maxBatch, maxQueued, 0);
        this.committerThread = committerThread;
        this.committedSize = committed;
        this.failure = failure;
    }

    /** Starts the committer. */
    void start() {
        commits = GroupCommit.start("audit log", options, this::commit, committerThread);
    }

    /** Records durable in both the record store and the Merkle log. */
    long committedSize() {
        return committedSize;
    }

    /** Why the log stopped recording, or null. */
    String failure() {
        return failure;
    }

    /**
     * Queues a signed record, waiting while the queue is full.
     *
     * @return false if the pipeline is closed (not queued)
     */
    boolean submit(Pending p) throws InterruptedException {
        return commits.put(p);
    }

    private void commit(List<Pending> batch) {
        if (failure != null) {
            fail(batch, new AuditException("the audit log stopped recording: " + failure, null, false));
            return;
        }
        long first = store.size();
        try {
            List<byte[]> bodies = new ArrayList<>(batch.size());
            for (Pending p : batch) {
                bodies.add(p.stored());
            }
            store.append(bodies);
            store.sync();
        } catch (IOException | RuntimeException e) {
            stop("storing records failed: " + e.getMessage());
            fail(batch, new AuditException("the audit records could not be stored: " + e.getMessage(), e, false));
            return;
        }
        List<CompletableFuture<Long>> leaves = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            leaves.add(log.appendAsync(p.digest()));
        }
        lastAck = leaves.get(leaves.size() - 1).whenCompleteAsync((idx, err) -> acknowledge(batch, first, leaves),
                acknowledger);
    }

    private void acknowledge(List<Pending> batch, long first, List<CompletableFuture<Long>> leaves) {
        long size = first + batch.size();
        for (int i = 0; i < leaves.size(); i++) {
            CompletableFuture<Long> f = leaves.get(i);
            String problem = null;
            try {
                long at = f.get();
                if (at != first + i) {
                    problem = "Merkle log '" + log.name() + "' gave index " + at + " to audit record " + (first + i)
                            + " (another writer appends to it)";
                }
            } catch (InterruptedException | ExecutionException e) {
                Throwable c = e instanceof ExecutionException ? e.getCause() : e;
                problem = "the Merkle leaf of record " + (first + i) + " could not be made durable: " + c.getMessage();
            }
            if (problem != null) {
                stop(problem);
                fail(batch, new AuditException(problem, null, false));
                return;
            }
        }
        SignedCheckpoint cp;
        try {
            cp = checkpoints.sign(size, batch.get(batch.size() - 1).key());
        } catch (AuditException e) {
            // durable but without a fresh checkpoint: the next batch or publication covers it
            cp = null;
            LOG.warn("Audit log: could not sign a checkpoint of size {}: {}", size, e.getMessage());
        }
        List<AuditRecord> records = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            AuditRecord r = batch.get(i).record(first + i);
            records.add(r);
            ids.put(r.eventId(), r.leafIndex());
        }
        committedSize = size;
        if (cp != null) {
            checkpoints.batchSigned(cp);
        }
        SignedCheckpoint forReceipts = checkpoints.latest();
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            if (forReceipts == null || forReceipts.checkpoint().size() <= first + i) {
                p.done().completeExceptionally(new AuditException("record " + (first + i) + " is durable, but no"
                        + " checkpoint covering it could be signed; aether:audit-verify --event-id " + p.eventId()
                        + " proves it later", null, true));
            } else {
                p.done().complete(new Committed(records.get(i), forReceipts));
            }
        }
        for (AuditRecord r : records) {
            sinks.publish(r);
        }
    }

    private static void fail(List<Pending> batch, AuditException e) {
        for (Pending p : batch) {
            p.done().completeExceptionally(e);
        }
    }

    private void stop(String why) {
        if (failure == null) {
            failure = why;
            LOG.error("Audit log stops recording: {}", why);
        }
    }

    /** Commits what is queued, waits until every committed batch is answered, then stops the acknowledger. */
    void close() {
        if (commits != null) {
            commits.close(Duration.ofSeconds(10));
        }
        try {
            lastAck.get(10, TimeUnit.SECONDS); // every committed batch answered before the acknowledger stops
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("Audit log: the last batch was not acknowledged at close: {}", e.toString());
        }
        acknowledger.shutdown();
        try {
            acknowledger.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
