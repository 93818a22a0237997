package io.aethercore.merkle.internal;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.merkle.Checkpoint;
import io.aethercore.api.merkle.ConsistencyProof;
import io.aethercore.api.merkle.InclusionProof;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleLogException;

/** A log whose reads go to another log; subclasses decide what appending does ({@link ReservedLog}). */
abstract class ReadThroughLog implements MerkleLog {

    private final MerkleLog log;

    ReadThroughLog(MerkleLog log) {
        this.log = log;
    }

    /** The log read through. */
    final MerkleLog delegate() {
        return log;
    }

    @Override
    public String name() {
        return log.name();
    }

    @Override
    public HashAlgorithm algorithm() {
        return log.algorithm();
    }

    @Override
    public MerkleHasher hasher() {
        return log.hasher();
    }

    @Override
    public long size() {
        return log.size();
    }

    @Override
    public long durableSize() {
        return log.durableSize();
    }

    @Override
    public byte[] root() {
        return log.root();
    }

    @Override
    public byte[] rootAt(long treeSize) {
        return log.rootAt(treeSize);
    }

    @Override
    public Checkpoint checkpoint() {
        return log.checkpoint();
    }

    @Override
    public byte[] entry(long index) throws MerkleLogException {
        return log.entry(index);
    }

    @Override
    public byte[] leafHash(long index) throws MerkleLogException {
        return log.leafHash(index);
    }

    @Override
    public InclusionProof inclusionProof(long index, long treeSize) throws MerkleLogException {
        return log.inclusionProof(index, treeSize);
    }

    @Override
    public ConsistencyProof consistencyProof(long oldSize, long newSize) throws MerkleLogException {
        return log.consistencyProof(oldSize, newSize);
    }

    @Override
    public long storageBytes() {
        return log.storageBytes();
    }
}
