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
import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.merkle.Checkpoint;
import io.aethercore.api.merkle.InclusionProof;
import io.aethercore.api.merkle.InvalidProofException;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.formats.merkle.MerkleProofs;
import io.aethercore.api.merkle.SignedCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: OSGi-free, built from a Merkle log, the node key, a signature verifier and a
 * directory. The DS component only configures it and registers it.
 *
 * <p>Threads (docs/audit.md): callers build and sign their record themselves (signing is the costly
 * part, so it runs in parallel on every caller); one committer thread takes whatever is queued as a
 * batch, writes it to the record store and syncs it once (group commit), then appends the batch's
 * digests to the Merkle log and goes on with the next batch while the Merkle log syncs; one
 * acknowledger thread, when a batch's leaves are durable, signs one checkpoint for the batch and
 * completes its callers, who then build their own inclusion proofs. A record is acknowledged only
 * when both its body and its leaf are on stable storage; the body always goes first, so after a
 * crash the Merkle log never holds a leaf whose record is missing.
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

    private record KeyInfo(KeyHandle handle, String fingerprint, NodeKeyCustody custody) {}

    private static final class Pending {
        final String eventId;
        final long timestampNs;
        final AuditEvent event;
        final String keyId;
        final byte[] signature;
        final byte[] stored;
        final byte[] digest;
        final KeyInfo key;
        final CompletableFuture<Committed> done = new CompletableFuture<>();

        Pending(String eventId, long ts, AuditEvent event, KeyInfo key, byte[] signature, byte[] stored, byte[] digest) {
            this.eventId = eventId;
            this.timestampNs = ts;
            this.event = event;
            this.keyId = key.fingerprint();
            this.key = key;
            this.signature = signature;
            this.stored = stored;
            this.digest = digest;
        }

        AuditRecord record(long index) {
            return new AuditRecord(index, eventId, timestampNs, event.operatorId(), event.action(), event.target(),
                    event.peerId(), event.details(), keyId, signature, stored, false);
        }
    }

    private record Committed(AuditRecord record, SignedCheckpoint checkpoint) {}

    private final Settings settings;
    private final MerkleLog log;
    private final MerkleHasher hasher;
    private final NodeKey nodeKey;
    private final SignatureService verifier;
    private final RecordStore store;
    private final CheckpointStore checkpoints;
    private final KeyRegistry keys;
    private final SinkHub sinks = new SinkHub();
    private final Map<String, Long> ids = new HashMap<>(); // guarded by itself

    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition queued = queueLock.newCondition();
    private ArrayList<Pending> queue = new ArrayList<>();
    private final Semaphore room;
    private final Thread committer;
    private final ExecutorService acknowledger;
    private final ExecutorService proofs;
    private final ScheduledExecutorService publisher;
    private volatile KeyInfo keyInfo;
    private volatile boolean closed;
    private volatile String failure; // set once: the log stops accepting records
    private volatile long committedSize;
    private volatile SignedCheckpoint latest;
    private volatile long publishedSize = -1;
    /** Acknowledgement of the newest committed batch; batches are acknowledged in order. */
    private volatile CompletableFuture<?> lastAck = CompletableFuture.completedFuture(null);

    private AuditEngine(Settings settings, MerkleLog log, NodeKey nodeKey, SignatureService verifier, RecordStore store,
            KeyRegistry keys) {
        this.settings = settings;
        this.log = log;
        this.hasher = log.hasher();
        this.nodeKey = nodeKey;
        this.verifier = verifier;
        this.store = store;
        this.keys = keys;
        this.checkpoints = new CheckpointStore(settings.directory());
        this.room = new Semaphore(settings.maxQueued());
        this.committer = new Thread(this::commitLoop, "audit-commit");
        committer.setDaemon(true);
        this.acknowledger = Executors.newSingleThreadExecutor(r -> daemon(r, "audit-ack"));
        this.proofs = Executors.newFixedThreadPool(2, r -> daemon(r, "audit-receipt"));
        this.publisher = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "audit-publish"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
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
        AuditEngine engine = new AuditEngine(settings, log, nodeKey, verifier, store, keys);
        try {
            engine.reconcile();
            engine.loadIds();
        } catch (IOException | MerkleLogException | RuntimeException e) {
            try {
                store.close();
            } catch (IOException ignored) {
                // reporting the first failure
            }
            throw new AuditException("cannot open the audit log in " + settings.directory() + ": " + e.getMessage(), e,
                    false);
        }
        engine.committer.start();
        if (engine.failure == null) {
            try {
                engine.publishIfGrown();
            } catch (AuditException e) {
                LOG.warn("Audit log: no checkpoint published at start: {}", e.getMessage());
            }
        }
        if (settings.publishIntervalSeconds() > 0) {
            engine.publisher.scheduleWithFixedDelay(engine::publishTick, settings.publishIntervalSeconds(),
                    settings.publishIntervalSeconds(), TimeUnit.SECONDS);
        }
        return engine;
    }

    private void reconcile() throws IOException, MerkleLogException {
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
                committedSize = Math.min(store.size(), leaves);
                return;
            }
        }
        long records = store.size();
        if (records < leaves) {
            failure = "the audit Merkle log '" + log.name() + "' holds " + leaves + " leaves but the record store only "
                    + records + " records (records deleted or truncated); nothing is recorded until it is repaired";
            LOG.error("Audit log: {}", failure);
            committedSize = records;
            return;
        }
        if (leaves > 0) {
            byte[] stored = store.read(leaves - 1);
            if (stored != null && !Arrays.equals(log.entry(leaves - 1), Hashers.recordDigest(hasher, stored))) {
                failure = "record " + (leaves - 1) + " does not match entry " + (leaves - 1) + " of Merkle log '"
                        + log.name() + "' (the log is shared with another writer, or was changed)";
                LOG.error("Audit log: {}", failure);
                committedSize = leaves;
                return;
            }
        }
        if (records > leaves) {
            // durable records whose Merkle batch did not finish before a crash: complete it
            LOG.info("Audit log: adding {} durable record(s) to Merkle log '{}' after an interrupted batch",
                    records - leaves, log.name());
            for (long i = leaves; i < records; i++) {
                long at = log.append(Hashers.recordDigest(hasher, store.read(i)),
                        i == records - 1 ? io.aethercore.api.merkle.Durability.SYNC
                                : io.aethercore.api.merkle.Durability.ASYNC);
                if (at != i) {
                    throw new IOException("Merkle log '" + log.name() + "' gave index " + at + " to record " + i);
                }
            }
        }
        committedSize = records;
    }

    private void loadIds() throws IOException {
        long from = store.prunedCount();
        for (long i = from; i < committedSize; i++) {
            byte[] b = store.read(i);
            try {
                ids.put(RecordCodec.parse(i, b).eventId(), i);
            } catch (IllegalArgumentException e) {
                LOG.warn("Audit log: record {} cannot be parsed ({}); aether:audit-check reports it", i, e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------ recording

    @Override
    public AuditReceipt record(AuditEvent event) throws AuditException {
        Pending p = submit(event);
        Committed c;
        try {
            c = p.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while waiting for record " + p.eventId + " to become durable;"
                    + " it may or may not be recorded", e, true);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof AuditException a ? a
                    : new AuditException(String.valueOf(e.getCause()), e.getCause(), false);
        }
        return receipt(c, p.key);
    }

    @Override
    public CompletableFuture<AuditReceipt> recordAsync(AuditEvent event) {
        try {
            Pending p = submit(event);
            return p.done.thenApplyAsync(c -> {
                try {
                    return receipt(c, p.key);
                } catch (AuditException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, proofs);
        } catch (AuditException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Pending submit(AuditEvent event) throws AuditException {
        java.util.Objects.requireNonNull(event, "event");
        checkUsable();
        Pending p = prepare(event);
        try {
            room.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while the audit queue was full; not recorded", e, true);
        }
        queueLock.lock();
        try {
            if (closed || failure != null) {
                room.release();
                checkUsable();
            }
            queue.add(p);
            queued.signal();
        } finally {
            queueLock.unlock();
        }
        return p;
    }

    private void checkUsable() throws AuditException {
        if (closed) {
            throw new AuditException("the audit log is closed (its bundle is stopping or being updated); retry once"
                    + " it is back", null, true);
        }
        String f = failure;
        if (f != null) {
            throw new AuditException("the audit log stopped recording: " + f, null, false);
        }
    }

    private Pending prepare(AuditEvent event) throws AuditException {
        for (int attempt = 0; ; attempt++) {
            KeyInfo k = currentKey();
            String id = newEventId();
            long ts = nowNanos();
            byte[] unsigned = RecordCodec.unsigned(id, ts, event, k.fingerprint());
            byte[] sig;
            try {
                sig = nodeKey.sign(unsigned);
            } catch (KeyCustodyException e) {
                throw new AuditException("the node key cannot sign the audit record: " + e.getMessage(), e, true);
            }
            KeyInfo after = currentKey();
            if (after != k && attempt < 3) {
                continue; // the node key moved while signing: sign again with the new key
            }
            byte[] stored = RecordCodec.signed(unsigned, sig);
            return new Pending(id, ts, event, k, sig, stored, Hashers.recordDigest(hasher, stored));
        }
    }

    private KeyInfo currentKey() throws AuditException {
        KeyHandle h;
        try {
            h = nodeKey.handle();
        } catch (KeyCustodyException e) {
            throw new AuditException("no node signing key: " + e.getMessage(), e, true);
        }
        KeyInfo k = keyInfo;
        if (k != null && k.handle().equals(h)) {
            return k;
        }
        synchronized (this) {
            k = keyInfo;
            if (k == null || !k.handle().equals(h)) {
                try {
                    String fp = keys.register(h.publicKey());
                    k = new KeyInfo(h, fp, new NodeKeyCustody(nodeKey, h));
                    keyInfo = k;
                    LOG.info("Audit log: records are signed by {}", h);
                } catch (IOException e) {
                    throw new AuditException("cannot store the node's public key beside the audit log: "
                            + e.getMessage(), e, true);
                }
            }
            return k;
        }
    }

    /** A time-ordered UUID (version 7 layout: 48-bit milliseconds, then random bits). */
    static String newEventId() {
        long ms = System.currentTimeMillis();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (ms << 16) | 0x7000L | (r.nextLong() & 0x0fffL);
        long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private void commitLoop() {
        while (true) {
            ArrayList<Pending> batch;
            queueLock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    queued.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return;
                }
                if (queue.size() <= settings.maxBatch()) {
                    batch = queue;
                    queue = new ArrayList<>();
                } else {
                    batch = new ArrayList<>(queue.subList(0, settings.maxBatch()));
                    queue.subList(0, settings.maxBatch()).clear();
                }
            } finally {
                queueLock.unlock();
            }
            room.release(batch.size());
            if (failure != null) {
                fail(batch, new AuditException("the audit log stopped recording: " + failure, null, false));
                continue;
            }
            commit(batch);
        }
    }

    private void commit(List<Pending> batch) {
        long first = store.size();
        try {
            List<byte[]> bodies = new ArrayList<>(batch.size());
            for (Pending p : batch) {
                bodies.add(p.stored);
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
            leaves.add(log.appendAsync(p.digest));
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
            cp = sign(size, batch.get(batch.size() - 1).key);
        } catch (AuditException e) {
            // durable but without a fresh checkpoint: the next batch or publication covers it
            cp = null;
            LOG.warn("Audit log: could not sign a checkpoint of size {}: {}", size, e.getMessage());
        }
        List<AuditRecord> records = new ArrayList<>(batch.size());
        synchronized (ids) {
            for (int i = 0; i < batch.size(); i++) {
                AuditRecord r = batch.get(i).record(first + i);
                records.add(r);
                ids.put(r.eventId(), r.leafIndex());
            }
        }
        committedSize = size;
        if (cp != null) {
            latest = cp;
        }
        SignedCheckpoint forReceipts = latest;
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            if (forReceipts == null || forReceipts.checkpoint().size() <= first + i) {
                p.done.completeExceptionally(new AuditException("record " + (first + i) + " is durable, but no"
                        + " checkpoint covering it could be signed; aether:audit-verify --event-id " + p.eventId
                        + " proves it later", null, true));
            } else {
                p.done.complete(new Committed(records.get(i), forReceipts));
            }
        }
        for (AuditRecord r : records) {
            sinks.publish(r);
        }
    }

    private void fail(List<Pending> batch, AuditException e) {
        for (Pending p : batch) {
            p.done.completeExceptionally(e);
        }
    }

    private void stop(String why) {
        if (failure == null) {
            failure = why;
            LOG.error("Audit log stops recording: {}", why);
        }
    }

    private AuditReceipt receipt(Committed c, KeyInfo key) throws AuditException {
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

    private SignedCheckpoint sign(long size, KeyInfo key) throws AuditException {
        KeyInfo k = key == null ? currentKey() : key;
        Checkpoint body = new Checkpoint(settings.origin(), size, size == 0 ? hasher.emptyRoot() : log.rootAt(size),
                Instant.now());
        try {
            return CheckpointNotes.sign(body, settings.origin(), k.custody(), k.handle());
        } catch (CryptoException e) {
            throw new AuditException("the node key cannot sign a checkpoint: " + e.getMessage(), e, true);
        }
    }

    @Override
    public Optional<SignedCheckpoint> latestCheckpoint() {
        return Optional.ofNullable(latest);
    }

    @Override
    public synchronized SignedCheckpoint publishCheckpoint() throws AuditException {
        SignedCheckpoint cp = sign(committedSize, currentKey());
        try {
            checkpoints.append(cp);
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

    private void publishIfGrown() throws AuditException {
        long last = publishedSize;
        if (last < 0) {
            try {
                List<CheckpointStore.Entry> all = checkpoints.readAll();
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
        if (committedSize > Math.max(last, 0) || latest == null) {
            SignedCheckpoint cp = committedSize > Math.max(last, 0) ? publishCheckpoint()
                    : sign(committedSize, currentKey());
            latest = latest == null ? cp : latest;
        }
    }

    private void publishTick() {
        try {
            if (!closed) {
                publishIfGrown();
            }
        } catch (AuditException | RuntimeException e) {
            LOG.warn("Audit log: periodic checkpoint not published: {}", e.getMessage());
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public long size() {
        return committedSize;
    }

    @Override
    public Optional<AuditRecord> get(String eventId) throws AuditException {
        Long i;
        synchronized (ids) {
            i = ids.get(eventId);
        }
        return i == null ? Optional.empty() : at(i);
    }

    @Override
    public Optional<AuditRecord> at(long leafIndex) throws AuditException {
        if (leafIndex < 0 || leafIndex >= committedSize) {
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
        long end = committedSize;
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
        SignedCheckpoint cp = latest;
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
        Long idx;
        synchronized (ids) {
            idx = ids.get(eventId);
        }
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
        SignedCheckpoint cp = latest;
        return RecordVerifier.verify(idx, stored, cp, (i, size) -> log.inclusionProof(i, size), keys, verifier, hasher,
                failures);
    }

    @Override
    public IntegrityReport checkIntegrity() throws AuditException {
        long limit = committedSize;
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
            synchronized (ids) {
                ids.values().removeIf(i -> i < end);
            }
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
            java.nio.file.Files.copy(settings.directory().resolve(CheckpointStore.LOG), out.resolve(CheckpointStore.LOG),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            java.nio.file.Files.writeString(out.resolve(CheckpointStore.LATEST), CheckpointNotes.toNote(cp));
            java.nio.file.Files.createDirectories(out.resolve("keys"));
            for (RawPublicKey k : keys.all()) {
                java.nio.file.Files.writeString(out.resolve("keys").resolve(k.fingerprint() + ".pem"), k.toPem());
            }
            java.nio.file.Files.writeString(out.resolve(EXPORT_INFO), "hash.algorithm=" + log.algorithm().id()
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
        return failure;
    }

    /** Stops accepting records, completes what is queued, publishes a final checkpoint, closes the files. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        queueLock.lock();
        try {
            closed = true;
            queued.signalAll();
        } finally {
            queueLock.unlock();
        }
        try {
            committer.join(10_000);
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
        publisher.shutdownNow();
        if (failure == null && committedSize > Math.max(0, publishedSize)) {
            try {
                publishCheckpoint();
            } catch (AuditException | RuntimeException e) {
                LOG.warn("Audit log: no final checkpoint: {}", e.getMessage());
            }
        }
        proofs.shutdown();
        sinks.close();
        try {
            store.close();
        } catch (IOException e) {
            LOG.warn("Audit log: closing the record store: {}", e.getMessage());
        }
    }
}
