package io.aethercore.audit.internal;

import io.aethercore.formats.merkle.CheckpointNotes;
import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditException;
import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.audit.AuditReceipt;
import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.AuditVerification;
import io.aethercore.api.audit.IntegrityReport;
import io.aethercore.api.audit.PruneReport;
import io.aethercore.api.audit.SinkStatus;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.InclusionProof;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.audit.internal.RecordSigner.Committed;
import io.aethercore.audit.internal.RecordSigner.Pending;
import io.aethercore.audit.internal.RecordSigner.SignerKey;
import io.aethercore.support.lifecycle.Workers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: OSGi-free, built from a Merkle log, the node key, a signature verifier and a
 * directory. The DS component only configures it and registers it.
 *
 * <p>Parts (docs/audit.md): callers build and sign their record themselves ({@link RecordSigner});
 * the {@link CommitPipeline} group-commits records to the {@link RecordStore} and the Merkle log and
 * acknowledges them with a checkpoint signed by the {@link CheckpointPublisher}; callers then build
 * their own inclusion proofs. This class opens the log (reconciling it with the Merkle log after a
 * crash), answers reads and verification, and runs retention and export.
 */
public final class AuditEngine implements AuditLog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditEngine.class);

    /** How the engine is set up. */
    public record Settings(Path directory, String origin, long segmentBytes, int maxBatch, int maxQueued,
            long publishIntervalSeconds) {
        public Settings {
            if (maxBatch < 1 || maxQueued < maxBatch || segmentBytes < 512) {
                throw new IllegalArgumentException("bad audit engine settings");
            }
        }

        public static Settings defaults(Path directory, String origin) {
            return new Settings(directory, origin, 64L << 20, 8192, 65_536, 300);
        }
    }

    /** What opening found: records durable in both stores, and why the log cannot record (or null). */
    private record Reconciled(long committed, String failure) {}

    private final Settings settings;
    private final MerkleLog log;
    private final MerkleHasher hasher;
    private final SignatureService verifier;
    private final RecordStore store;
    private final KeyRegistry keys;
    private final Workers workers = Workers.create("audit",
            e -> LOG.warn("Audit log: {}", e.getMessage(), e.getCause()), Duration.ofSeconds(10));
    private final SinkHub sinks = new SinkHub(workers);
    private final EventIndex ids = new EventIndex();
    private final RecordSigner signer;
    private final CheckpointPublisher checkpoints;
    private final CommitPipeline pipeline;
    private final ExecutorService proofs;
    private volatile ScheduledFuture<?> publishing;
    private volatile boolean closed;

    private AuditEngine(Settings settings, MerkleLog log, NodeKey nodeKey, SignatureService verifier, RecordStore store,
            KeyRegistry keys, Reconciled start) {
        this.settings = settings;
        this.log = log;
        this.hasher = log.hasher();
        this.verifier = verifier;
        this.store = store;
        this.keys = keys;
        this.signer = new RecordSigner(nodeKey, keys, hasher);
        this.checkpoints = new CheckpointPublisher(settings.origin(), log, hasher, signer,
                new CheckpointStore(settings.directory()), sinks, this::size);
        this.pipeline = new CommitPipeline(store, log, checkpoints, ids, sinks, settings.maxBatch(), settings.maxQueued(),
                start.committed(), start.failure(), workers.pool("ack", 1, settings.maxQueued()),
                r -> workers.thread("commit", r));
        this.proofs = workers.pool("receipt", 2, settings.maxQueued());
    }

    /**
     * Opens the audit log in {@code settings.directory()}: scans the records, reconciles them with the
     * Merkle log after a crash, and publishes a checkpoint if the tree grew since the last one.
     */
    public static AuditEngine open(Settings settings, MerkleLog log, NodeKey nodeKey, SignatureService verifier)
            throws AuditException {
        RecordStore store;
        KeyRegistry keys;
        try {
            store = RecordStore.open(settings.directory(), settings.segmentBytes());
            keys = new KeyRegistry(settings.directory().resolve("keys"));
        } catch (IOException e) {
            throw new AuditException("cannot open the audit record store in " + settings.directory() + ": "
                    + e.getMessage(), e, false);
        }
        AuditEngine engine = null;
        try {
            Reconciled start = reconcile(store, log);
            engine = new AuditEngine(settings, log, nodeKey, verifier, store, keys, start);
            engine.ids.load(store, store.prunedCount(), start.committed());
        } catch (IOException | MerkleLogException | RuntimeException e) {
            if (engine != null) {
                engine.workers.close();
            }
            try {
                store.close();
            } catch (IOException ignored) {
                // reporting the first failure
            }
            throw new AuditException("cannot open the audit log in " + settings.directory() + ": " + e.getMessage(), e,
                    false);
        }
        engine.pipeline.start();
        if (engine.pipeline.failure() == null) {
            try {
                engine.checkpoints.publishIfGrown();
            } catch (AuditException e) {
                LOG.warn("Audit log: no checkpoint published at start: {}", e.getMessage());
            }
        }
        if (settings.publishIntervalSeconds() > 0) {
            engine.publishing = engine.workers.every("publish", Duration.ofSeconds(settings.publishIntervalSeconds()),
                    engine::publishTick);
        }
        return engine;
    }

    private static Reconciled reconcile(RecordStore store, MerkleLog log) throws IOException, MerkleLogException {
        MerkleHasher hasher = log.hasher();
        String failure;
        long leaves = log.size();
        RecordStore.Damage d = store.damage();
        if (d != null) {
            if (d.index() >= leaves) {
                LOG.warn("Audit log: cutting an unacknowledged, torn tail after a crash: {}", d.reason());
                store.truncateDamagedTail();
            } else {
                failure = "the audit record store is damaged: " + d.reason() + "; nothing is recorded until it is"
                        + " repaired (run aether:audit-check, restore from backup)";
                LOG.error("Audit log: {}", failure);
                return new Reconciled(Math.min(store.size(), leaves), failure);
            }
        }
        long records = store.size();
        if (records < leaves) {
            failure = "the audit Merkle log '" + log.name() + "' holds " + leaves + " leaves but the record store only "
                    + records + " records (records deleted or truncated); nothing is recorded until it is repaired";
            LOG.error("Audit log: {}", failure);
            return new Reconciled(records, failure);
        }
        if (leaves > 0) {
            byte[] stored = store.read(leaves - 1);
            if (stored != null && !Arrays.equals(log.entry(leaves - 1), Hashers.recordDigest(hasher, stored))) {
                failure = "record " + (leaves - 1) + " does not match entry " + (leaves - 1) + " of Merkle log '"
                        + log.name() + "' (the log is shared with another writer, or was changed)";
                LOG.error("Audit log: {}", failure);
                return new Reconciled(leaves, failure);
            }
        }
        if (records > leaves) {
            // durable records whose Merkle batch did not finish before a crash: complete it
            LOG.info("Audit log: adding {} durable record(s) to Merkle log '{}' after an interrupted batch",
                    records - leaves, log.name());
            for (long i = leaves; i < records; i++) {
                long at = log.append(Hashers.recordDigest(hasher, store.read(i)),
                        i == records - 1 ? Durability.SYNC
                                : Durability.ASYNC);
                if (at != i) {
                    throw new IOException("Merkle log '" + log.name() + "' gave index " + at + " to record " + i);
                }
            }
        }
        return new Reconciled(records, null);
    }


    // ------------------------------------------------------------------ recording

    @Override
    public AuditReceipt record(AuditEvent event) throws AuditException {
        Pending p = submit(event);
        Committed c;
        try {
            c = p.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while waiting for record " + p.eventId() + " to become durable;"
                    + " it may or may not be recorded", e, true);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof AuditException a ? a
                    : new AuditException(String.valueOf(e.getCause()), e.getCause(), false);
        }
        return receipt(c, p.key());
    }

    @Override
    public CompletableFuture<AuditReceipt> recordAsync(AuditEvent event) {
        try {
            Pending p = submit(event);
            return p.done().thenApplyAsync(c -> {
                try {
                    return receipt(c, p.key());
                } catch (AuditException e) {
                    throw new CompletionException(e);
                }
            }, proofs);
        } catch (AuditException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Pending submit(AuditEvent event) throws AuditException {
        Objects.requireNonNull(event, "event");
        checkUsable();
        Pending p = signer.prepare(event);
        checkUsable();
        boolean queued;
        try {
            queued = pipeline.submit(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while the audit queue was full; not recorded", e, true);
        }
        if (!queued) {
            checkUsable();
            throw closedException();
        }
        return p;
    }

    private void checkUsable() throws AuditException {
        if (closed) {
            throw closedException();
        }
        String f = pipeline.failure();
        if (f != null) {
            throw new AuditException("the audit log stopped recording: " + f, null, false);
        }
    }

    private static AuditException closedException() {
        return new AuditException("the audit log is closed (its bundle is stopping or being updated); retry once"
                + " it is back", null, true);
    }

    private AuditReceipt receipt(Committed c, SignerKey key) throws AuditException {
        SignedCheckpoint cp = c.checkpoint();
        try {
            InclusionProof proof = log.inclusionProof(c.record().leafIndex(), cp.checkpoint().size());
            return new AuditReceipt(c.record(), key.handle().publicKey(), log.algorithm(), proof, cp, settings.origin());
        } catch (MerkleLogException e) {
            throw new AuditException("record " + c.record().leafIndex() + " is durable, but its proof could not be"
                    + " built: " + e.getMessage(), e, true);
        }
    }

    // ------------------------------------------------------------------ checkpoints

    @Override
    public Optional<SignedCheckpoint> latestCheckpoint() {
        return Optional.ofNullable(checkpoints.latest());
    }

    @Override
    public SignedCheckpoint publishCheckpoint() throws AuditException {
        return checkpoints.publish();
    }

    private void publishTick() {
        try {
            if (!closed) {
                checkpoints.publishIfGrown();
            }
        } catch (AuditException | RuntimeException e) {
            LOG.warn("Audit log: periodic checkpoint not published: {}", e.getMessage());
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public long size() {
        return pipeline.committedSize();
    }

    @Override
    public Optional<AuditRecord> get(String eventId) throws AuditException {
        Long i = ids.get(eventId);
        return i == null ? Optional.empty() : at(i);
    }

    @Override
    public Optional<AuditRecord> at(long leafIndex) throws AuditException {
        if (leafIndex < 0 || leafIndex >= pipeline.committedSize()) {
            return Optional.empty();
        }
        try {
            byte[] b = store.read(leafIndex);
            return b == null ? Optional.empty() : Optional.of(RecordCodec.parse(leafIndex, b));
        } catch (IOException | IllegalArgumentException e) {
            throw new AuditException("record " + leafIndex + " cannot be read: " + e.getMessage()
                    + " (run aether:audit-check)", e, false);
        }
    }

    @Override
    public List<AuditRecord> last(int n) throws AuditException {
        long end = pipeline.committedSize();
        long from = Math.max(Math.max(0, end - Math.max(0, n)), store.prunedCount());
        List<AuditRecord> out = new ArrayList<>();
        for (long i = from; i < end; i++) {
            at(i).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public Optional<AuditReceipt> receipt(String eventId) throws AuditException {
        Optional<AuditRecord> r = get(eventId);
        SignedCheckpoint cp = checkpoints.latest();
        if (r.isEmpty() || cp == null || cp.checkpoint().size() <= r.get().leafIndex()) {
            return Optional.empty();
        }
        RawPublicKey key = keys.get(r.get().keyId());
        if (key == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new AuditReceipt(r.get(), key, log.algorithm(),
                    log.inclusionProof(r.get().leafIndex(), cp.checkpoint().size()), cp, settings.origin()));
        } catch (MerkleLogException e) {
            throw new AuditException("proof of record " + r.get().leafIndex() + ": " + e.getMessage(), e, true);
        }
    }

    @Override
    public AuditVerification verify(String eventId) throws AuditException {
        Long idx = ids.get(eventId);
        if (idx == null) {
            return new AuditVerification(eventId, -1, false, false, -1, List.of("event " + eventId + " not found"));
        }
        List<String> failures = new ArrayList<>();
        byte[] stored;
        try {
            stored = store.read(idx);
        } catch (IOException e) {
            return new AuditVerification(eventId, idx, false, false, -1,
                    List.of("record " + idx + " cannot be read: " + e.getMessage()));
        }
        if (stored == null) {
            return new AuditVerification(eventId, idx, false, false, -1,
                    List.of("record " + idx + " was dropped by retention; only its leaf hash remains"));
        }
        SignedCheckpoint cp = checkpoints.latest();
        return RecordVerifier.verify(idx, stored, cp, (i, size) -> log.inclusionProof(i, size), keys, verifier, hasher,
                failures);
    }

    @Override
    public IntegrityReport checkIntegrity() throws AuditException {
        long limit = pipeline.committedSize();
        IntegrityChecker checker = new IntegrityChecker(hasher, verifier, keys);
        try {
            return checker.check(settings.directory(), settings.directory().resolve(CheckpointStore.LOG), limit,
                    new IntegrityChecker.MerkleLeaves() {
                        @Override
                        public long size() {
                            return Math.min(log.size(), limit);
                        }

                        @Override
                        public byte[] leafHash(long index) throws Exception {
                            return log.leafHash(index);
                        }
                    });
        } catch (IOException e) {
            throw new AuditException("integrity check could not read the audit files: " + e.getMessage(), e, false);
        }
    }

    // ------------------------------------------------------------------ retention

    @Override
    public synchronized PruneReport prune(String operatorId, Instant cutoff) throws AuditException {
        record(AuditEvent.of(operatorId, "AuditPrune", "records before " + cutoff)
                .withDetail("cutoff", cutoff.toString()));
        long cutoffNs = cutoff.getEpochSecond() * 1_000_000_000L + cutoff.getNano();
        long upTo = store.prunedCount();
        try {
            for (long[] seg : store.sealedSegments()) {
                long lastIndex = seg[0] + seg[1] - 1;
                if (seg[1] == 0 || lastIndex < store.prunedCount()) {
                    continue;
                }
                byte[] last = store.read(lastIndex);
                if (last == null || RecordCodec.parse(lastIndex, last).timestampNs() >= cutoffNs) {
                    break;
                }
                upTo = seg[0] + seg[1];
            }
            long from = store.prunedCount();
            if (upTo <= from) {
                return new PruneReport(cutoff, 0, from, 0);
            }
            ByteArrayOutputStream digests = new ByteArrayOutputStream();
            for (long i = from; i < upTo; i++) {
                byte[] d = Hashers.recordDigest(hasher, store.read(i));
                if (!Arrays.equals(log.entry(i), d)) {
                    throw new AuditException("record " + i + " does not match its Merkle entry; nothing pruned (run"
                            + " aether:audit-check)");
                }
                digests.write(d);
            }
            long freed = store.prune(upTo, digests.toByteArray());
            long end = upTo;
            ids.removeBelow(end);
            LOG.info("Audit log: retention dropped records {}..{} ({} bytes) by {}", from, upTo - 1, freed, operatorId);
            return new PruneReport(cutoff, upTo - from, upTo, freed);
        } catch (IOException | MerkleLogException e) {
            throw new AuditException("retention failed: " + e.getMessage(), e, false);
        }
    }

    /** File written by {@link #export} beside the records: how to read them. */
    public static final String EXPORT_INFO = "audit-export.properties";

    /**
     * Exports what an auditor needs to verify off the node: the records up to a checkpoint published
     * now, every published checkpoint, the latest one alone, and the signers' public keys.
     *
     * @return the published checkpoint the export ends at
     */
    public SignedCheckpoint export(Path out) throws AuditException {
        SignedCheckpoint cp = publishCheckpoint();
        try {
            store.exportTo(out, cp.checkpoint().size());
            Files.copy(settings.directory().resolve(CheckpointStore.LOG), out.resolve(CheckpointStore.LOG),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(out.resolve(CheckpointStore.LATEST), CheckpointNotes.toNote(cp));
            Files.createDirectories(out.resolve("keys"));
            for (RawPublicKey k : keys.all()) {
                Files.writeString(out.resolve("keys").resolve(k.fingerprint() + ".pem"), k.toPem());
            }
            Files.writeString(out.resolve(EXPORT_INFO), "hash.algorithm=" + log.algorithm().id()
                    + "\norigin=" + settings.origin() + "\nsize=" + cp.checkpoint().size() + "\n");
            return cp;
        } catch (IOException e) {
            throw new AuditException("export to " + out + " failed: " + e.getMessage(), e, false);
        }
    }

    // ------------------------------------------------------------------ sinks, lifecycle

    public SinkHub sinkHub() {
        return sinks;
    }

    @Override
    public List<SinkStatus> sinks() {
        return sinks.status();
    }

    public KeyRegistry keys() {
        return keys;
    }

    public Path directory() {
        return settings.directory();
    }

    public MerkleLog merkleLog() {
        return log;
    }

    /** Why the log stopped recording, or null. */
    public String failure() {
        return pipeline.failure();
    }

    /** Stops accepting records, completes what is queued, publishes a final checkpoint, closes the files. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pipeline.close();
        ScheduledFuture<?> p = publishing;
        if (p != null) {
            p.cancel(true);
        }
        if (pipeline.failure() == null && pipeline.committedSize() > Math.max(0, checkpoints.publishedSize())) {
            try {
                checkpoints.publish();
            } catch (AuditException | RuntimeException e) {
                LOG.warn("Audit log: no final checkpoint: {}", e.getMessage());
            }
        }
        proofs.shutdown(); // receipts already asked for are still built
        try {
            proofs.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sinks.close();
        try {
            store.close();
        } catch (IOException e) {
            LOG.warn("Audit log: closing the record store: {}", e.getMessage());
        }
        workers.close();
    }
}
