package io.aethercore.mesh.gospel;

import java.util.ArrayList;
import java.util.List;

/** A journal held in memory (tests, simulations, benchmarks); survives as long as the object. */
public final class MemoryJournal implements Gospel.Journal {

    private final List<byte[]> records = new ArrayList<>();

    @Override
    public synchronized void append(byte[] record) {
        records.add(record.clone());
    }

    @Override
    public synchronized List<byte[]> readAll() {
        return List.copyOf(records);
    }

    public synchronized int size() {
        return records.size();
    }
}
