package io.aethercore.api.merkle;

import io.aethercore.api.crypto.HashAlgorithm;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One append-only Merkle log. Thread-safe: appends are serialised, reads and proofs run
 * concurrently with them. Each log is a service with the property {@value #NAME}.
 *
 * <p>Indexes are 0-based; a tree of size {@code n} holds entries {@code 0..n-1}. Arguments out of
 * range are {@link IllegalArgumentException}s that say the valid range.
 */
@ProviderType
public interface MerkleLog {

    /** Service property: the log's name. */
    String NAME = "aethercore.merkle.name";

    String name();

    HashAlgorithm algorithm();

    /** The hash function of this log, for verifying its proofs. */
    MerkleHasher hasher();

    /** Number of entries appended (acknowledged or not yet durable). */
    long size();

    /** Number of entries known to be on stable storage. */
    long durableSize();

    /** Root of the current tree. */
    byte[] root();

    /** Root of the tree of the first {@code treeSize} entries. */
    byte[] rootAt(long treeSize);

    /** Current size and root, with the current time. */
    Checkpoint checkpoint();

    /** Appends with the log's configured durability; returns the entry's index once acknowledged. */
    long append(byte[] entry) throws MerkleLogException;

    /** Appends and returns the index once acknowledged as {@code durability} says. */
    long append(byte[] entry, Durability durability) throws MerkleLogException;

    /**
     * Appends without blocking; the future completes with the index once the entry is durable (group
     * commit), or exceptionally with a {@link MerkleLogException}.
     */
    CompletableFuture<Long> appendAsync(byte[] entry);

    /** The entry at {@code index}. */
    byte[] entry(long index) throws MerkleLogException;

    /** {@code H(0x00 || entry)} of the entry at {@code index}. */
    byte[] leafHash(long index) throws MerkleLogException;

    InclusionProof inclusionProof(long index, long treeSize) throws MerkleLogException;

    ConsistencyProof consistencyProof(long oldSize, long newSize) throws MerkleLogException;

    /** Bytes the log occupies on disk, or -1 for a log held in memory only. */
    long storageBytes();

    /**
     * The one writer this log is reserved for (its configuration's {@code writer}), or empty when any caller
     * may append. A reserved log refuses every {@code append*} call made on the log service itself, so that
     * no console command or other bundle can put an entry into, say, the audit log's tree: only the handle
     * returned by {@link #claimWriter} appends.
     *
     * @since 2.2.0
     */
    default String writer() {
        return "";
    }

    /**
     * Claims the right to append to a log reserved for {@code writer}: the returned log reads like this one and
     * is the only object whose appends are accepted. One claim at a time: a second claim is refused until the
     * first is given back with {@link #releaseWriter}.
     *
     * @throws MerkleLogException if the log is not reserved for {@code writer}, or already claimed
     * @since 2.2.0
     */
    default MerkleLog claimWriter(String writer) throws MerkleLogException {
        throw new MerkleLogException("Merkle log '" + name() + "' cannot be reserved for a writer", null, false);
    }

    /**
     * Gives back a claim of {@link #claimWriter}; the released handle appends no more. Releasing a handle that
     * is not the current claim does nothing.
     *
     * @since 2.2.0
     */
    default void releaseWriter(MerkleLog claimed) {
        // nothing to release where nothing can be claimed
    }
}
