package io.aethercore.mesh.internal;

import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.mesh.gospel.Gospel;
import java.util.ArrayList;
import java.util.List;

/**
 * The Gospel's journal on a node: the Merkle Vine log {@code gospel}, reserved for the mesh, one record per
 * accepted batch, each synced to disk before the batch is acknowledged (docs/gospel.md, "Storage").
 */
final class LogJournal implements Gospel.Journal {

    static final String LOG = "gospel";
    static final String WRITER = "mesh-gospel";

    private final MerkleLog log;

    LogJournal(MerkleLog writable) {
        this.log = writable;
    }

    @Override
    public void append(byte[] record) throws Exception {
        log.append(record, Durability.SYNC);
    }

    @Override
    public List<byte[]> readAll() throws Exception {
        long n = log.size();
        List<byte[]> out = new ArrayList<>((int) Math.min(n, 1 << 20));
        for (long i = 0; i < n; i++) {
            out.add(log.entry(i));
        }
        return out;
    }
}
