package io.aethercore.mesh.gospel;

import io.aethercore.mesh.wire.WireException;
import io.aethercore.mesh.wire.WireReader;
import io.aethercore.mesh.wire.WireWriter;

/** The bodies of the entry kinds (docs/gospel.md, "Entries"); decoding treats every byte as hostile. */
public final class Bodies {

    static final int CERT_MAX = 8192, NOTE_MAX = 4096, TEXT_MAX = 1024, NAME_MAX = 64;

    private Bodies() {
    }

    /** {@link Entry.Kind#ENROL}: a node certificate (DER). */
    public record Enrol(byte[] certificate) {
        public byte[] encode() {
            return new WireWriter().bytes(certificate).toByteArray();
        }

        static Enrol decode(byte[] b) throws WireException {
            WireReader r = new WireReader(b, 0);
            Enrol e = new Enrol(r.bytes(CERT_MAX, "certificate"));
            r.end();
            return e;
        }
    }

    /**
     * {@link Entry.Kind#REVOKE}: purge {@code nodeId}. When the node is itself an author, {@code cutoff}
     * entries of its chain stay valid (what the revoker held, proved by {@code cutoffNote}, the node's own
     * signed checkpoint at that size; empty when the cutoff is 0); every later entry of it is refused.
     */
    public record Revoke(String nodeId, Reason reason, long cutoff, byte[] cutoffNote, String comment) {
        public byte[] encode() {
            return new WireWriter().string(nodeId).u8(reason.code()).u64(cutoff).bytes(cutoffNote).string(comment)
                    .toByteArray();
        }

        static Revoke decode(byte[] b) throws WireException {
            WireReader r = new WireReader(b, 0);
            String node = r.string(NAME_MAX, "node");
            Reason reason;
            try {
                reason = Reason.ofCode(r.u8());
            } catch (IllegalArgumentException e) {
                throw new WireException(e.getMessage());
            }
            long cutoff = r.u64();
            Revoke v = new Revoke(node, reason, cutoff, r.bytes(NOTE_MAX, "cutoff checkpoint"), r.string(TEXT_MAX, "comment"));
            r.end();
            if (cutoff < 0 || (cutoff > 0) == (v.cutoffNote.length == 0)) {
                throw new WireException("a cutoff needs its checkpoint, and only a cutoff has one");
            }
            return v;
        }
    }

    /** {@link Entry.Kind#CONFIG}: a mesh-wide configuration value. */
    public record Config(String key, String value) {
        public byte[] encode() {
            return new WireWriter().string(key).string(value).toByteArray();
        }

        static Config decode(byte[] b) throws WireException {
            WireReader r = new WireReader(b, 0);
            Config c = new Config(r.string(NAME_MAX, "key"), r.string(TEXT_MAX, "value"));
            r.end();
            return c;
        }
    }

    /** {@link Entry.Kind#APPROVE}: approval of the CONFIG entry whose leaf hash this is. */
    public record Approve(byte[] configLeafHash) {
        public byte[] encode() {
            return new WireWriter().bytes(configLeafHash).toByteArray();
        }

        static Approve decode(byte[] b) throws WireException {
            WireReader r = new WireReader(b, 0);
            Approve a = new Approve(r.bytes(64, "leaf hash"));
            r.end();
            if (a.configLeafHash.length != 32) {
                throw new WireException("an approval names a 32-byte leaf hash");
            }
            return a;
        }
    }

    /** {@link Entry.Kind#OPERATOR}: the operator role for an enrolled node's key, granted or withdrawn. */
    public record Operator(String nodeId, boolean granted) {
        public byte[] encode() {
            return new WireWriter().string(nodeId).u8(granted ? 1 : 0).toByteArray();
        }

        static Operator decode(byte[] b) throws WireException {
            WireReader r = new WireReader(b, 0);
            String node = r.string(NAME_MAX, "node");
            int g = r.u8();
            r.end();
            if (g > 1) {
                throw new WireException("operator flag must be 0 or 1");
            }
            return new Operator(node, g == 1);
        }
    }

    /** {@link Entry.Kind#ROOT_ROTATION}: the new root certificate and the old root's cross-certificate of it. */
    public record RootRotation(byte[] newRoot, byte[] crossCertificate) {
        public byte[] encode() {
            return new WireWriter().bytes(newRoot).bytes(crossCertificate).toByteArray();
        }

        static RootRotation decode(byte[] b) throws WireException {
            WireReader r = new WireReader(b, 0);
            RootRotation x = new RootRotation(r.bytes(CERT_MAX, "new root"), r.bytes(CERT_MAX, "cross-certificate"));
            r.end();
            return x;
        }
    }

    /** {@link Entry.Kind#NOTE}: free text. */
    public record Note(String text) {
        public byte[] encode() {
            return new WireWriter().string(text).toByteArray();
        }

        static Note decode(byte[] b) throws WireException {
            WireReader r = new WireReader(b, 0);
            Note n = new Note(r.string(TEXT_MAX, "text"));
            r.end();
            return n;
        }
    }
}
