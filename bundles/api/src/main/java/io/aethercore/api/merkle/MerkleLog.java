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
}
