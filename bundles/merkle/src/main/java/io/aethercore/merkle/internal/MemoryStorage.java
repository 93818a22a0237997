package io.aethercore.merkle.internal;

import java.util.ArrayList;
import java.util.List;

/** A log held in memory only: for tests, benchmarks and scratch logs. "Durable" means appended. */
final class MemoryStorage implements LogStorage {

    private static final int CHUNK = 1 << 16; // nodes per chunk

    private final List<byte[]> entries = new ArrayList<>();
    private final List<byte[]> nodeChunks = new ArrayList<>();
    private long nodes;
    private volatile long size;

    @Override
    public long size() {
        return size;
    }

    @Override
    public long durableSize() {
        return size;
    }

    @Override
    public synchronized void append(byte[] entry, byte[][] newNodes, int count) {
        entries.add(entry.clone());
        for (int i = 0; i < count; i++) {
            int chunk = (int) (nodes / CHUNK);
            if (chunk == nodeChunks.size()) {
                nodeChunks.add(new byte[CHUNK * 32]);
            }
            System.arraycopy(newNodes[i], 0, nodeChunks.get(chunk), (int) (nodes % CHUNK) * 32, 32);
            nodes++;
        }
        size++;
    }

    @Override
    public long sync() {
        return size;
    }

    @Override
    public synchronized void readNode(long position, byte[] out32) {
        System.arraycopy(nodeChunks.get((int) (position / CHUNK)), (int) (position % CHUNK) * 32, out32, 0, 32);
    }

    @Override
    public synchronized byte[] readEntry(long index) {
        return entries.get((int) index).clone();
    }

    @Override
    public long storageBytes() {
        return -1;
    }

    @Override
    public void close() {
        // nothing held outside the heap
    }
}
