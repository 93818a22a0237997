package io.aethercore.mesh.wire;

import io.aethercore.mesh.wire.MeshMessage.AttestChallenge;
import io.aethercore.mesh.wire.MeshMessage.AttestResponse;
import io.aethercore.mesh.wire.MeshMessage.Directory;
import io.aethercore.mesh.wire.MeshMessage.DirectoryEntry;
import io.aethercore.mesh.wire.MeshMessage.DirectoryRequest;
import io.aethercore.mesh.wire.MeshMessage.EnrolChallenge;
import io.aethercore.mesh.wire.MeshMessage.EnrolHello;
import io.aethercore.mesh.wire.MeshMessage.EnrolProof;
import io.aethercore.mesh.wire.MeshMessage.EnrolResult;
import io.aethercore.mesh.wire.MeshMessage.GospelBatch;
import io.aethercore.mesh.wire.MeshMessage.GospelFetch;
import io.aethercore.mesh.wire.MeshMessage.GospelHead;
import io.aethercore.mesh.wire.MeshMessage.GospelSummary;
import io.aethercore.mesh.wire.MeshMessage.Heartbeat;
import java.util.ArrayList;
import java.util.List;

/** Encodes and decodes {@link MeshMessage}s; limits per field are in docs/mesh.md. */
public final class MeshCodec {

    public static final int ENROL_HELLO = 0x01, ENROL_CHALLENGE = 0x02, ENROL_PROOF = 0x03, ENROL_RESULT = 0x04;
    public static final int HEARTBEAT = 0x10, DIRECTORY_REQUEST = 0x20, DIRECTORY = 0x21;
    public static final int ATTEST_CHALLENGE = 0x30, ATTEST_RESPONSE = 0x31;
    public static final int GOSPEL_SUMMARY = 0x40, GOSPEL_FETCH = 0x41, GOSPEL_BATCH = 0x42;
    /** Chain heads per summary, entries and proof hashes per batch, bytes of a batch's entries. */
    public static final int GOSPEL_HEADS = 64, GOSPEL_ENTRIES = 1024, GOSPEL_PROOF = 64, GOSPEL_BATCH_BYTES = 60_000,
            GOSPEL_ENTRY_MAX = 12 * 1024 + 200, GOSPEL_NOTE_MAX = 4096;

    static final int ID = 16, NONCE_MAX = 64, NAME_MAX = 64, ADDRESS_MAX = 300, TPM_PUBLIC_MAX = 1024,
            CERT_MAX = 8192, SPKI_MAX = 4096, SIG_MAX = 512, ATTEST_MAX = 1024, PCRS_MAX = 24 * 64,
            TEXT_MAX = 1024, SECRET_MAX = 512, CREDENTIAL_MAX = 1024;
    /** Directory entries per message: node certificates are about 3.3 KB (the ML-DSA-87 key). */
    public static final int DIRECTORY_PAGE = 16;

    private MeshCodec() {
    }

    /**
     * Whether a message starts with a mesh message type. Other applications share the B4AE sessions
     * (an operator's {@code aether:b4ae-send}); their messages are not the mesh's to judge.
     */
    public static boolean isMeshMessage(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return false;
        }
        return switch (bytes[0] & 0xFF) {
            case ENROL_HELLO, ENROL_CHALLENGE, ENROL_PROOF, ENROL_RESULT, HEARTBEAT, DIRECTORY_REQUEST, DIRECTORY,
                    ATTEST_CHALLENGE, ATTEST_RESPONSE, GOSPEL_SUMMARY, GOSPEL_FETCH, GOSPEL_BATCH -> true;
            default -> false;
        };
    }

    public static byte[] encode(MeshMessage m) {
        WireWriter w = new WireWriter();
        if (m instanceof EnrolHello h) {
            w.u8(ENROL_HELLO).u8(MeshMessage.VERSION).fixed(id(h.requestId())).string(h.nodeId())
                    .u8(h.attestationKind()).bytes(h.ekPublic()).bytes(h.ekCertificate()).bytes(h.akPublic())
                    .bytes(h.nodeKeySpki()).bytes(h.b4aeX25519()).bytes(h.b4aeMlDsaSpki()).string(h.address());
        } else if (m instanceof EnrolChallenge c) {
            w.u8(ENROL_CHALLENGE).u8(MeshMessage.VERSION).fixed(id(c.requestId()))
                    .bytes(c.nonce()).bytes(c.credentialBlob()).bytes(c.encryptedSecret()).string(c.pcrSelection());
        } else if (m instanceof EnrolProof p) {
            w.u8(ENROL_PROOF).u8(MeshMessage.VERSION).fixed(id(p.requestId()))
                    .bytes(p.activatedSecret()).bytes(p.quoteAttest()).bytes(p.quoteSignature()).bytes(p.pcrValues())
                    .bytes(p.nodeKeySignature());
        } else if (m instanceof EnrolResult r) {
            w.u8(ENROL_RESULT).u8(MeshMessage.VERSION).fixed(id(r.requestId()))
                    .u8(r.status()).string(r.message()).bytes(r.certificate()).bytes(r.root());
        } else if (m instanceof Heartbeat h) {
            w.u8(HEARTBEAT).u8(MeshMessage.VERSION).string(h.nodeId()).u64(h.sequence())
                    .u64(h.registryVersion()).u64(h.sentAtMillis());
        } else if (m instanceof DirectoryRequest d) {
            w.u8(DIRECTORY_REQUEST).u8(MeshMessage.VERSION).u32(d.from());
        } else if (m instanceof Directory d) {
            if (d.entries().size() > DIRECTORY_PAGE) {
                throw new IllegalArgumentException("at most " + DIRECTORY_PAGE + " directory entries per message");
            }
            w.u8(DIRECTORY).u8(MeshMessage.VERSION).u64(d.version()).u32(d.total()).u32(d.from())
                    .u16(d.entries().size());
            for (DirectoryEntry e : d.entries()) {
                w.bytes(e.certificate()).u64(e.issuedAtMillis()).u64(e.lastAttestedMillis()).string(e.failure())
                        .string(e.revokedReason());
            }
        } else if (m instanceof AttestChallenge c) {
            w.u8(ATTEST_CHALLENGE).u8(MeshMessage.VERSION).bytes(c.nonce()).string(c.pcrSelection());
        } else if (m instanceof AttestResponse r) {
            w.u8(ATTEST_RESPONSE).u8(MeshMessage.VERSION).bytes(r.nonce()).bytes(r.akPublic())
                    .bytes(r.quoteAttest()).bytes(r.quoteSignature()).bytes(r.pcrValues()).bytes(r.nodeKeySignature());
        } else if (m instanceof GospelSummary g) {
            if (g.heads().size() > GOSPEL_HEADS) {
                throw new IllegalArgumentException("at most " + GOSPEL_HEADS + " chain heads per summary");
            }
            w.u8(GOSPEL_SUMMARY).u8(MeshMessage.VERSION).u64(g.linkSequence()).fixed(root(g.root())).u64(g.size())
                    .u16(g.heads().size());
            for (GospelHead h : g.heads()) {
                w.string(h.author()).u64(h.size()).fixed(root(h.root()));
            }
        } else if (m instanceof GospelFetch f) {
            w.u8(GOSPEL_FETCH).u8(MeshMessage.VERSION).string(f.author()).u64(f.from()).u32(f.count()).u32(f.maxBytes());
        } else if (m instanceof GospelBatch b) {
            if (b.entries().size() > GOSPEL_ENTRIES || b.proof().size() > GOSPEL_PROOF) {
                throw new IllegalArgumentException("batch too large");
            }
            w.u8(GOSPEL_BATCH).u8(MeshMessage.VERSION).string(b.author()).u64(b.from()).u16(b.entries().size());
            for (byte[] e : b.entries()) {
                w.bytes(e);
            }
            w.u8(b.proof().size());
            for (byte[] h : b.proof()) {
                w.fixed(root(h));
            }
            w.bytes(b.note());
        } else {
            throw new IllegalArgumentException("not a mesh message: " + m);
        }
        return w.toByteArray();
    }

    public static MeshMessage decode(byte[] bytes) throws WireException {
        if (bytes == null || bytes.length < 2) {
            throw new WireException("too short for a mesh message");
        }
        int type = bytes[0] & 0xFF;
        int version = bytes[1] & 0xFF;
        if (version != MeshMessage.VERSION) {
            throw new WireException("mesh message version " + version + " not supported (this node speaks "
                    + MeshMessage.VERSION + ")");
        }
        WireReader r = new WireReader(bytes, 2);
        MeshMessage m = switch (type) {
            case ENROL_HELLO -> new EnrolHello(r.fixed(ID, "request id"), r.string(NAME_MAX, "node id"), r.u8(),
                    r.bytes(TPM_PUBLIC_MAX, "EK public"), r.bytes(CERT_MAX, "EK certificate"),
                    r.bytes(TPM_PUBLIC_MAX, "AK public"), r.bytes(SPKI_MAX, "node key"), r.bytes(64, "X25519 key"),
                    r.bytes(SPKI_MAX, "ML-DSA-87 key"), r.string(ADDRESS_MAX, "address"));
            case ENROL_CHALLENGE -> new EnrolChallenge(r.fixed(ID, "request id"), r.bytes(NONCE_MAX, "nonce"),
                    r.bytes(CREDENTIAL_MAX, "credential"), r.bytes(SECRET_MAX, "encrypted secret"),
                    r.string(NAME_MAX, "PCR selection"));
            case ENROL_PROOF -> new EnrolProof(r.fixed(ID, "request id"), r.bytes(SECRET_MAX, "secret"),
                    r.bytes(ATTEST_MAX, "quote"), r.bytes(SIG_MAX, "quote signature"), r.bytes(PCRS_MAX, "PCR values"),
                    r.bytes(SIG_MAX, "node key signature"));
            case ENROL_RESULT -> new EnrolResult(r.fixed(ID, "request id"), status(r.u8()), r.string(TEXT_MAX, "message"),
                    r.bytes(CERT_MAX, "certificate"), r.bytes(CERT_MAX, "root"));
            case HEARTBEAT -> new Heartbeat(r.string(NAME_MAX, "node id"), r.u64(), r.u64(), r.u64());
            case DIRECTORY_REQUEST -> new DirectoryRequest(int31(r.u32(), "from"));
            case DIRECTORY -> directory(r);
            case ATTEST_CHALLENGE -> new AttestChallenge(r.bytes(NONCE_MAX, "nonce"), r.string(NAME_MAX, "PCR selection"));
            case ATTEST_RESPONSE -> new AttestResponse(r.bytes(NONCE_MAX, "nonce"), r.bytes(TPM_PUBLIC_MAX, "AK public"),
                    r.bytes(ATTEST_MAX, "quote"), r.bytes(SIG_MAX, "quote signature"), r.bytes(PCRS_MAX, "PCR values"),
                    r.bytes(SIG_MAX, "node key signature"));
            case GOSPEL_SUMMARY -> summary(r);
            case GOSPEL_FETCH -> new GospelFetch(r.string(NAME_MAX, "author"), nonNegative(r.u64(), "from"),
                    int31(r.u32(), "count"), int31(r.u32(), "max bytes"));
            case GOSPEL_BATCH -> batch(r);
            default -> throw new WireException("unknown mesh message type 0x" + Integer.toHexString(type));
        };
        r.end();
        return m;
    }

    private static Directory directory(WireReader r) throws WireException {
        long version = r.u64();
        int total = int31(r.u32(), "total");
        int from = int31(r.u32(), "from");
        int n = r.u16();
        if (n > DIRECTORY_PAGE) {
            throw new WireException("directory page of " + n + " entries, at most " + DIRECTORY_PAGE);
        }
        List<DirectoryEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new DirectoryEntry(r.bytes(CERT_MAX, "certificate"), r.u64(), r.u64(),
                    r.string(TEXT_MAX, "failure"), r.string(TEXT_MAX, "revocation")));
        }
        return new Directory(version, total, from, entries);
    }

    private static GospelSummary summary(WireReader r) throws WireException {
        long seq = r.u64();
        byte[] root = r.fixed(32, "root");
        long size = nonNegative(r.u64(), "size");
        int n = r.u16();
        if (n > GOSPEL_HEADS) {
            throw new WireException(n + " chain heads, at most " + GOSPEL_HEADS);
        }
        List<GospelHead> heads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            heads.add(new GospelHead(r.string(NAME_MAX, "author"), nonNegative(r.u64(), "chain size"), r.fixed(32, "chain root")));
        }
        return new GospelSummary(seq, root, size, heads);
    }

    private static GospelBatch batch(WireReader r) throws WireException {
        String author = r.string(NAME_MAX, "author");
        long from = nonNegative(r.u64(), "from");
        int n = r.u16();
        if (n > GOSPEL_ENTRIES) {
            throw new WireException(n + " entries in one batch, at most " + GOSPEL_ENTRIES);
        }
        List<byte[]> entries = new ArrayList<>(n);
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            byte[] e = r.bytes(GOSPEL_ENTRY_MAX, "entry");
            bytes += e.length;
            entries.add(e);
        }
        if (bytes > GOSPEL_BATCH_BYTES) {
            throw new WireException("batch of " + bytes + " bytes of entries, at most " + GOSPEL_BATCH_BYTES);
        }
        int p = r.u8();
        if (p > GOSPEL_PROOF) {
            throw new WireException(p + " proof hashes, at most " + GOSPEL_PROOF);
        }
        List<byte[]> proof = new ArrayList<>(p);
        for (int i = 0; i < p; i++) {
            proof.add(r.fixed(32, "proof hash"));
        }
        return new GospelBatch(author, from, entries, proof, r.bytes(GOSPEL_NOTE_MAX, "checkpoint"));
    }

    private static long nonNegative(long v, String what) throws WireException {
        if (v < 0) {
            throw new WireException(what + " out of range");
        }
        return v;
    }

    private static byte[] root(byte[] h) {
        if (h == null || h.length != 32) {
            throw new IllegalArgumentException("hashes are 32 bytes");
        }
        return h;
    }

    private static int status(int v) throws WireException {
        if (v > EnrolResult.RETRY) {
            throw new WireException("enrollment status " + v + " unknown");
        }
        return v;
    }

    private static int int31(long v, String what) throws WireException {
        if (v > Integer.MAX_VALUE) {
            throw new WireException(what + " out of range");
        }
        return (int) v;
    }

    private static byte[] id(byte[] requestId) {
        if (requestId == null || requestId.length != ID) {
            throw new IllegalArgumentException("request id must be " + ID + " bytes");
        }
        return requestId;
    }
}
