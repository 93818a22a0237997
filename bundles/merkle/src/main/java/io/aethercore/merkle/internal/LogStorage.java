package io.aethercore.merkle.internal;

import java.io.IOException;

/**
 * Where a log's entries and tree nodes live. Nodes are 32-byte hashes at the positions of {@link
 * TreeMath}. {@link #append} is called by one writer at a time; {@link #sync} by one committer at a
 * time; reads run concurrently with both.
 */
interface LogStorage extends AutoCloseable {

    /** Entries appended, durable or not. */
    long size();

    /** Entries on stable storage. */
    long durableSize();

    /** Appends an entry and the nodes it completes (its leaf hash first). */
    void append(byte[] entry, byte[][] nodes, int nodeCount) throws IOException;

    /** Makes every append so far durable; returns the durable size. */
    long sync() throws IOException;

    void readNode(long position, byte[] out32) throws IOException;

    byte[] readEntry(long index) throws IOException;

    long storageBytes();

    @Override
    void close() throws IOException;
}
