package io.aethercore.audit.internal;

import io.aethercore.api.audit.AuditException;
import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.merkle.Checkpoint;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.formats.merkle.CheckpointNotes;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs checkpoints of the audit Merkle log with the node key, keeps the latest one for receipts, and
 * publishes checkpoints (to the checkpoint file and the sinks) when asked, at start, periodically if
 * the log grew, and at close.
 */
final class CheckpointPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointPublisher.class);

    private final String origin;
    private final MerkleLog log;
    private final MerkleHasher hasher;
    private final RecordSigner signer;
    private final CheckpointStore store;
    private final SinkHub sinks;
    private final LongSupplier committedSize;
    private volatile SignedCheckpoint latest;
    private volatile long publishedSize = -1;

    CheckpointPublisher(String origin, MerkleLog log, MerkleHasher hasher, RecordSigner signer, CheckpointStore store,
            SinkHub sinks, LongSupplier committedSize) {
        this.origin = origin;
        this.log = log;
        this.hasher = hasher;
        this.signer = signer;
        this.store = store;
        this.sinks = sinks;
        this.committedSize = committedSize;
    }

    /** Signs a checkpoint of the first {@code size} leaves with {@code key}, or the current node key if null. */
    SignedCheckpoint sign(long size, RecordSigner.SignerKey key) throws AuditException {
        RecordSigner.SignerKey k = key == null ? signer.currentKey() : key;
        Checkpoint body = new Checkpoint(origin, size, size == 0 ? hasher.emptyRoot() : log.rootAt(size), Instant.now());
        try {
            return CheckpointNotes.sign(body, origin, k.custody(), k.handle());
        } catch (CryptoException e) {
            throw new AuditException("the node key cannot sign a checkpoint: " + e.getMessage(), e, true);
        }
    }

    /** The newest checkpoint signed (published or for a batch), or null. */
    SignedCheckpoint latest() {
        return latest;
    }

    /** A batch's checkpoint becomes the latest. */
    void batchSigned(SignedCheckpoint cp) {
        latest = cp;
    }

    /** Size of the last published checkpoint; -1 before the checkpoint file was read. */
    long publishedSize() {
        return publishedSize;
    }

    /** Signs a checkpoint of everything committed and publishes it. */
    synchronized SignedCheckpoint publish() throws AuditException {
        SignedCheckpoint cp = sign(committedSize.getAsLong(), signer.currentKey());
        try {
            store.append(cp);
        } catch (IOException e) {
            throw new AuditException("cannot write the checkpoint file: " + e.getMessage(), e, true);
        }
        publishedSize = cp.checkpoint().size();
        SignedCheckpoint l = latest;
        if (l == null || l.checkpoint().size() <= cp.checkpoint().size()) {
            latest = cp;
        }
        sinks.publish(cp);
        return cp;
    }

    /** Publishes if the log grew since the last published checkpoint; signs one for receipts if there is none. */
    void publishIfGrown() throws AuditException {
        long last = publishedSize;
        if (last < 0) {
            try {
                List<CheckpointStore.Entry> all = store.readAll();
                for (CheckpointStore.Entry e : all) {
                    if (e.checkpoint() != null) {
                        last = Math.max(last, e.checkpoint().checkpoint().size());
                    }
                }
            } catch (IOException e) {
                LOG.warn("Audit log: cannot read published checkpoints: {}", e.getMessage());
            }
            publishedSize = last;
        }
        long committed = committedSize.getAsLong();
        if (committed > Math.max(last, 0) || latest == null) {
            SignedCheckpoint cp = committed > Math.max(last, 0) ? publish() : sign(committed, signer.currentKey());
            latest = latest == null ? cp : latest;
        }
    }
}
