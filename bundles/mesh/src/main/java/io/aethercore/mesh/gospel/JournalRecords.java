package io.aethercore.mesh.gospel;

import io.aethercore.mesh.wire.WireException;
import io.aethercore.mesh.wire.WireReader;
import io.aethercore.mesh.wire.WireWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The Gospel journal's records (docs/gospel.md, "Storage"): one per accepted batch, {@code u8 type = 1 | string
 * author | u64 from | bytes checkpoint | u32 n × bytes entry | u16 k × bytes proof hash}.
 */
final class JournalRecords {

    static final int BATCH = 1;

    private JournalRecords() {
    }

static byte[] encode(Gospel.Batch b) {
    WireWriter w = new WireWriter().u8(BATCH).string(b.author()).u64(b.from()).bytes(b.note())
            .u32(b.entries().size());
    for (byte[] e : b.entries()) {
        w.bytes(e);
    }
    w.u16(b.proof().size());
    for (byte[] h : b.proof()) {
        w.bytes(h);
    }
    return w.toByteArray();
}

static Gospel.Batch decode(byte[] r) throws WireException {
    WireReader in = new WireReader(r, 0);
    if (in.u8() != BATCH) {
        throw new WireException("unknown Gospel journal record");
    }
    String author = in.string(64, "author");
    long from = in.u64();
    byte[] note = in.bytes(Bodies.NOTE_MAX, "checkpoint");
    long count = in.u32();
    if (count > 1_000_000) {
        throw new WireException("too many entries in one record");
    }
    List<byte[]> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
        entries.add(in.bytes(Entry.BODY_MAX + 200, "entry"));
    }
    int p = in.u16();
    List<byte[]> proof = new ArrayList<>();
    for (int i = 0; i < p; i++) {
        proof.add(in.bytes(64, "proof hash"));
    }
    in.end();
    return new Gospel.Batch(author, from, entries, proof, note);
}
}
