package io.aethercore.merkle.internal;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.ProviderUnavailableException;
import io.aethercore.api.merkle.Checkpoint;
import io.aethercore.api.merkle.ConsistencyProof;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.InclusionProof;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.support.lifecycle.GroupCommit;
import io.aethercore.support.lifecycle.Workers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Merkle log: the tree engine ({@link Frontier}, {@link ProofBuilder}) over a {@link LogStorage},
 * with a committer thread for group commit. OSGi-free: the DS component only configures and
 * registers it.
 *
 * <p>Threading: appends are serialised by {@code appendLock} (hashing and buffering, no I/O); one
 * committer thread writes and syncs batches while appends continue, then acknowledges every waiting
 * append the sync covered. Reads and proofs take no lock of the log: stored nodes never change.
 */
public final class VineLog implements MerkleLog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VineLog.class);

    /** Supplies the hash provider for each operation (it may change between operations). */
    @FunctionalInterface
    public interface HashSource {
        HashService get() throws ProviderUnavailableException;
    }

    /** How a log is set up. */
    public record Settings(String name, String origin, HashAlgorithm algorithm, Path directory,
            Durability durability, long groupCommitMillis, int maxEntryBytes) {
        public Settings {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(algorithm, "algorithm");
            if (algorithm != HashAlgorithm.BLAKE3 && algorithm != HashAlgorithm.SHA_256) {
                throw new IllegalArgumentException("a Merkle log hashes with BLAKE3 or SHA-256, not " + algorithm.id());
            }
            Objects.requireNonNull(durability, "durability");
            if (groupCommitMillis < 0 || maxEntryBytes < 1) {
                throw new IllegalArgumentException("group commit window and entry limit must be positive");
            }
        }
    }

    private final Settings settings;
    private final HashSource hashes;
    private final LogStorage storage;
    private final boolean inMemory;

    private final ReentrantLock appendLock = new ReentrantLock();
    private final Frontier frontier;
    private final byte[][] scratch = new byte[65][];
    private TreeHasher appendHasher;
    private volatile byte[] cachedRoot;

    private volatile boolean closed;
    private volatile IOException storageFailure;
    private final Workers workers;             // null in memory
    private final GroupCommit<Waiter> commits; // null in memory

    private record Waiter(long index, CompletableFuture<Long> future) {}

    private VineLog(Settings settings, HashSource hashes, LogStorage storage, Frontier frontier) {
        this.settings = settings;
        this.hashes = hashes;
        this.storage = storage;
        this.frontier = frontier;
        this.inMemory = storage instanceof MemoryStorage;
        this.workers = inMemory ? null : Workers.create("merkle");
        this.commits = inMemory ? null : GroupCommit.start("merkle log " + settings.name(),
                new GroupCommit.Options(Duration.ofMillis(settings.groupCommitMillis()), 0, 0, 65_536), this::commit,
                r -> workers.thread("commit-" + settings.name(), r));
    }

    /** Opens (recovering it) or creates a log; in memory when {@code settings.directory()} is null. */
    public static VineLog open(Settings settings, HashSource hashes) throws MerkleLogException {
        TreeHasher hasher = new TreeHasher(hashService(hashes), settings.algorithm());
        if (settings.directory() == null) {
            return new VineLog(settings, hashes, new MemoryStorage(), new Frontier());
        }
        try {
            FileStorage.Opened o = FileStorage.open(settings.name(), settings.directory(), settings.algorithm(),
                    hasher, settings.maxEntryBytes());
            return new VineLog(settings, hashes, o.storage(), o.frontier());
        } catch (IOException e) {
            throw new MerkleLogException("cannot open Merkle log '" + settings.name() + "' in "
                    + settings.directory() + ": " + e.getMessage(), e, false);
        }
    }

    private static HashService hashService(HashSource hashes) throws MerkleLogException {
        try {
            return hashes.get();
        } catch (ProviderUnavailableException e) {
            throw new MerkleLogException(e.getMessage(), e, true);
        }
    }

    private TreeHasher freshHasher() throws MerkleLogException {
        return new TreeHasher(hashService(hashes), settings.algorithm());
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public HashAlgorithm algorithm() {
        return settings.algorithm();
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public MerkleHasher hasher() {
        try {
            return MerkleHasher.of(hashes.get(), settings.algorithm());
        } catch (ProviderUnavailableException e) {
            if (settings.algorithm() == HashAlgorithm.SHA_256) {
                return MerkleHasher.sha256();
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public long size() {
        return storage.size();
    }

    @Override
    public long durableSize() {
        return storage.durableSize();
    }

    // ---------------------------------------------------------------- appends

    @Override
    public long append(byte[] entry) throws MerkleLogException {
        return append(entry, settings.durability());
    }

    @Override
    public long append(byte[] entry, Durability durability) throws MerkleLogException {
        long index = appendInMemory(entry);
        if (inMemory || durability == Durability.ASYNC) {
            if (!inMemory) {
                noteAsync();
            }
            return index;
        }
        CompletableFuture<Long> f = awaitDurable(index, durability == Durability.SYNC);
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MerkleLogException("interrupted while waiting for entry " + index + " of log '" + name()
                    + "' to become durable; it may or may not be", e, true);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof MerkleLogException m ? m
                    : new MerkleLogException(e.getCause().getMessage(), e.getCause(), true);
        }
    }

    @Override
    public CompletableFuture<Long> appendAsync(byte[] entry) {
        try {
            long index = appendInMemory(entry);
            return inMemory ? CompletableFuture.completedFuture(index) : awaitDurable(index, false);
        } catch (MerkleLogException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private long appendInMemory(byte[] entry) throws MerkleLogException {
        Objects.requireNonNull(entry, "entry");
        if (entry.length > settings.maxEntryBytes()) {
            throw new IllegalArgumentException("entry of " + entry.length + " bytes exceeds the limit of "
                    + settings.maxEntryBytes() + " bytes of log '" + name() + "'");
        }
        checkUsable();
        HashService service = hashService(hashes); // once per operation
        appendLock.lock();
        try {
            checkUsable();
            TreeHasher h = appendHasher;
            if (h == null || h.service() != service) {
                h = new TreeHasher(service, settings.algorithm());
                appendHasher = h;
            }
            int count = frontier.push(h.leaf(entry), h, scratch);
            try {
                storage.append(entry, scratch, count);
            } catch (IOException | RuntimeException e) {
                // the frontier already holds this leaf: stop appending rather than diverge from storage
                IOException io = e instanceof IOException x ? x : new IOException(e.getMessage(), e);
                storageFailure = io;
                throw new MerkleLogException("cannot append to log '" + name() + "'; it stops accepting appends"
                        + " until reopened: " + e.getMessage(), io, false);
            }
            cachedRoot = null;
            return frontier.size() - 1;
        } finally {
            appendLock.unlock();
        }
    }

    private void checkUsable() throws MerkleLogException {
        if (closed) {
            throw new MerkleLogException("log '" + name() + "' is closed (its bundle is stopping or being updated);"
                    + " retry once it is back", null, true);
        }
        IOException f = storageFailure;
        if (f != null) {
            throw new MerkleLogException("log '" + name() + "' stopped accepting appends after a storage failure: "
                    + f.getMessage(), f, false);
        }
    }

    private CompletableFuture<Long> awaitDurable(long index, boolean now) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        if (storage.durableSize() > index) {
            f.complete(index);
            return f;
        }
        Waiter w = new Waiter(index, f);
        if (!commits.offer(w, now)) {
            // closed after this append: close() synced what was appended before it stopped the committer
            complete(List.of(w), storage.durableSize(), null);
        }
        return f;
    }

    private void noteAsync() {
        commits.poke();
    }

    /** One group commit: syncs everything appended so far and acknowledges the waiters it covers. */
    private void commit(List<Waiter> batch) {
        long durable;
        IOException failure = null;
        try {
            durable = storage.sync();
        } catch (IOException e) {
            failure = e;
            durable = storage.durableSize();
            if (storageFailure == null) {
                storageFailure = e;
                LOG.error("Merkle log '{}': sync failed ({}); appends stop until the log is reopened", name(),
                        e.getMessage());
            }
        }
        long covered = durable;
        List<Waiter> all = new ArrayList<>(batch);
        all.addAll(commits.takeWhile(w -> w.index() < covered)); // came during the sync, which covers them
        if (failure != null) {
            all.addAll(commits.takeWhile(w -> true));
        }
        complete(all, durable, failure);
    }

    private void complete(List<Waiter> waiters, long durable, IOException failure) {
        for (Waiter w : waiters) {
            if (w.index() < durable) {
                w.future().complete(w.index());
            } else if (failure != null) {
                w.future().completeExceptionally(new MerkleLogException("entry " + w.index() + " of log '" + name()
                        + "' could not be made durable: " + failure.getMessage(), failure, false));
            } else if (closed) {
                w.future().completeExceptionally(new MerkleLogException("log '" + name() + "' closed before entry "
                        + w.index() + " became durable; it may or may not be", null, true));
            } else if (!commits.offer(w, false)) {
                complete(List.of(w), storage.durableSize(), null);
            }
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    public byte[] root() {
        byte[] r = cachedRoot;
        if (r != null) {
            return r.clone();
        }
        appendLock.lock();
        try {
            r = cachedRoot;
            if (r == null) {
                TreeHasher h = appendHasher != null ? appendHasher : freshHasher();
                appendHasher = h;
                r = frontier.root(h);
                cachedRoot = r;
            }
            return r.clone();
        } catch (MerkleLogException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            appendLock.unlock();
        }
    }

    @Override
    public byte[] rootAt(long treeSize) {
        checkSize(treeSize);
        try {
            return proofs().root(treeSize);
        } catch (IOException | MerkleLogException e) {
            throw new IllegalStateException("cannot compute the root of log '" + name() + "' at size " + treeSize
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Checkpoint checkpoint() {
        appendLock.lock();
        try {
            byte[] r = root();
            return new Checkpoint(origin(), frontier.size(), r, Instant.now());
        } finally {
            appendLock.unlock();
        }
    }

    /** The checkpoint origin line of this log. */
    public String origin() {
        return settings.origin();
    }

    @Override
    public byte[] entry(long index) throws MerkleLogException {
        checkIndex(index, size());
        try {
            return storage.readEntry(index);
        } catch (IOException e) {
            throw new MerkleLogException(e.getMessage(), e, false);
        }
    }

    @Override
    public byte[] leafHash(long index) throws MerkleLogException {
        checkIndex(index, size());
        byte[] h = new byte[32];
        try {
            storage.readNode(TreeMath.leafPosition(index), h);
        } catch (IOException e) {
            throw new MerkleLogException(e.getMessage(), e, false);
        }
        return h;
    }

    @Override
    public InclusionProof inclusionProof(long index, long treeSize) throws MerkleLogException {
        checkSize(treeSize);
        checkIndex(index, treeSize);
        try {
            return new InclusionProof(index, treeSize, proofs().inclusion(index, treeSize));
        } catch (IOException e) {
            throw new MerkleLogException(e.getMessage(), e, false);
        }
    }

    @Override
    public ConsistencyProof consistencyProof(long oldSize, long newSize) throws MerkleLogException {
        checkSize(newSize);
        if (oldSize < 0 || oldSize > newSize) {
            throw new IllegalArgumentException("old size " + oldSize + " must be within 0.." + newSize);
        }
        if (oldSize == 0 || oldSize == newSize) {
            return new ConsistencyProof(oldSize, newSize, List.of());
        }
        try {
            return new ConsistencyProof(oldSize, newSize, proofs().consistency(oldSize, newSize));
        } catch (IOException e) {
            throw new MerkleLogException(e.getMessage(), e, false);
        }
    }

    private ProofBuilder proofs() throws MerkleLogException {
        return new ProofBuilder(storage::readNode, freshHasher());
    }

    private void checkSize(long treeSize) {
        long n = size();
        if (treeSize < 0 || treeSize > n) {
            throw new IllegalArgumentException("tree size " + treeSize + " is not within 0.." + n
                    + " (the size of log '" + name() + "')");
        }
    }

    private void checkIndex(long index, long treeSize) {
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("index " + index + " is not within 0.." + (treeSize - 1)
                    + " (tree size " + treeSize + " of log '" + name() + "')");
        }
    }

    @Override
    public long storageBytes() {
        return storage.storageBytes();
    }

    /** Syncs what is pending, stops the committer and closes the files. Appends after this fail (retryable). */
    @Override
    public void close() throws MerkleLogException {
        appendLock.lock();
        try {
            closed = true;
        } finally {
            appendLock.unlock();
        }
        if (commits != null) {
            commits.close(Duration.ofSeconds(10));
            commit(commits.takeWhile(w -> true)); // anything the committer did not cover
        }
        try {
            storage.close();
        } catch (IOException e) {
            throw new MerkleLogException("closing log '" + name() + "': " + e.getMessage(), e, false);
        } finally {
            if (workers != null) {
                workers.close(); // after the files: never interrupt a committer inside a sync
            }
        }
    }

    @Override
    public String toString() {
        return "MerkleLog[" + name() + ", " + algorithm().id() + ", size " + size() + "]";
    }
}
