package io.aethercore.mesh.gospel;

import io.aethercore.mesh.wire.WireException;
import io.aethercore.mesh.wire.WireReader;
import io.aethercore.mesh.wire.WireWriter;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One Gospel entry: the {@code seq}-th entry of its author's chain (docs/gospel.md, "Entries"). Entries
 * carry no signature of their own: the author signs checkpoints of its chain, and an entry is accepted
 * only as part of a tree whose signed root it matches.
 *
 * <pre>
 * u8 version = 1 | string author | u64 seq | u64 time (ms since the epoch) | u8 kind | bytes body
 * </pre>
 * Strings and byte strings carry a u16 length; integers are big-endian.
 */
public record Entry(String author, long seq, long timeMillis, Kind kind, byte[] body) {

    public static final int VERSION = 1;
    /** Bodies are at most this long: a node certificate (about 3.3 KB) fits with room to spare. */
    public static final int BODY_MAX = 12 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** What an entry does. */
    public enum Kind {
        /** A node certificate issued by the federation root (authority only). */
        ENROL(1),
        /** A purge: the node's sessions torn down, its handshakes and entries refused. */
        REVOKE(2),
        /** A mesh-wide configuration value. */
        CONFIG(3),
        /** An operator's approval of a CONFIG entry (quorum). */
        APPROVE(4),
        /** The authority grants (or withdraws) the operator role to an enrolled node's key. */
        OPERATOR(5),
        /** A new federation root, with its cross-certificate by the old root (authority only). */
        ROOT_ROTATION(6),
        /** An operator's annotation (change ticket, maintenance window); no effect on the mesh. */
        NOTE(7);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind of(int code) throws WireException {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new WireException("unknown Gospel entry kind " + code);
        }
    }

    public Entry {
        if (author == null || !NAME.matcher(author).matches()) {
            throw new IllegalArgumentException("author must be a NodeID (1-64 of A-Z a-z 0-9 . _ -)");
        }
        if (seq < 0 || timeMillis < 0) {
            throw new IllegalArgumentException("negative sequence or time");
        }
        if (body == null || body.length > BODY_MAX) {
            throw new IllegalArgumentException("body missing or longer than " + BODY_MAX + " bytes");
        }
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public byte[] encode() {
        return new WireWriter().u8(VERSION).string(author).u64(seq).u64(timeMillis).u8(kind.code).bytes(body)
                .toByteArray();
    }

    public static Entry decode(byte[] bytes) throws WireException {
        if (bytes == null || bytes.length < 1) {
            throw new WireException("empty Gospel entry");
        }
        WireReader r = new WireReader(bytes, 0);
        int version = r.u8();
        if (version != VERSION) {
            throw new WireException("Gospel entry version " + version + " not supported");
        }
        String author = r.string(64, "author");
        long seq = r.u64();
        long time = r.u64();
        Kind kind = Kind.of(r.u8());
        byte[] body = r.bytes(BODY_MAX, "body");
        r.end();
        if (!NAME.matcher(author).matches()) {
            throw new WireException("author '" + author + "' is not a NodeID");
        }
        if (seq < 0 || time < 0) {
            throw new WireException("sequence or time out of range");
        }
        return new Entry(author, seq, time, kind, body);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && e.author.equals(author) && e.seq == seq && e.timeMillis == timeMillis
                && e.kind == kind && Arrays.equals(e.body, body);
    }

    @Override
    public int hashCode() {
        return author.hashCode() * 31 + Long.hashCode(seq);
    }

    @Override
    public String toString() {
        return author + "#" + seq + " " + kind;
    }
}
