package io.aethercore.mesh.wire;

import java.util.List;

/**
 * The messages nodes exchange inside B4AE sessions (docs/mesh.md, "Messages"). Each is one B4AE message:
 * {@code type u8 | version u8 = 1 | fields}. Byte strings and strings are u16-length-prefixed; integers
 * are big-endian. {@link MeshCodec} encodes and decodes them; decoding treats every byte as hostile.
 */
public sealed interface MeshMessage {

    int VERSION = 1;

    /** Node to authority: who it is and what it can prove. {@code requestId} makes retries idempotent. */
    record EnrolHello(byte[] requestId, String nodeId, int attestationKind, byte[] ekPublic, byte[] ekCertificate,
            byte[] akPublic, byte[] nodeKeySpki, byte[] b4aeX25519, byte[] b4aeMlDsaSpki, String address)
            implements MeshMessage {
        public static final int KIND_TPM = 1;
        public static final int KIND_SOFTWARE = 2;
    }

    /** Authority to node: a fresh nonce to quote over and, for a TPM, a credential for its EK and AK. */
    record EnrolChallenge(byte[] requestId, byte[] nonce, byte[] credentialBlob, byte[] encryptedSecret,
            String pcrSelection) implements MeshMessage {
    }

    /** Node to authority: the activated secret, the quote, and its node key's signature over the transcript. */
    record EnrolProof(byte[] requestId, byte[] activatedSecret, byte[] quoteAttest, byte[] quoteSignature,
            byte[] pcrValues, byte[] nodeKeySignature) implements MeshMessage {
    }

    /**
     * Authority to node: the certificate ({@link #ACCEPTED}), why not ({@link #REFUSED}: final), or "start
     * again" ({@link #RETRY}: the authority lost the exchange, e.g. it restarted).
     */
    record EnrolResult(byte[] requestId, int status, String message, byte[] certificate, byte[] root)
            implements MeshMessage {
        public static final int ACCEPTED = 0, REFUSED = 1, RETRY = 2;
    }

    /** Node to node, every heartbeat interval: liveness, and the sender's registry version. */
    record Heartbeat(String nodeId, long sequence, long registryVersion, long sentAtMillis) implements MeshMessage {
    }

    /** Member to authority: the directory from entry {@code from}. */
    record DirectoryRequest(int from) implements MeshMessage {
    }

    /** Authority to member: a page of the directory of enrolled nodes. */
    record Directory(long version, int total, int from, List<DirectoryEntry> entries) implements MeshMessage {
    }

    /**
     * One enrolled node as the authority knows it.
     *
     * @param lastAttestedMillis 0 if never
     * @param failure empty if its last attestation passed
     * @param revokedReason empty if not revoked
     */
    record DirectoryEntry(byte[] certificate, long issuedAtMillis, long lastAttestedMillis, String failure,
            String revokedReason) {
    }

    /** Authority to node: quote over this nonce now (periodic re-attestation). */
    record AttestChallenge(byte[] nonce, String pcrSelection) implements MeshMessage {
    }

    /** Node to authority: the quote, and the node key's signature binding it to the nonce. */
    record AttestResponse(byte[] nonce, byte[] akPublic, byte[] quoteAttest, byte[] quoteSignature, byte[] pcrValues,
            byte[] nodeKeySignature) implements MeshMessage {
    }

    /** One chain head in a {@link GospelSummary}. */
    record GospelHead(String author, long size, byte[] root) {
    }

    /**
     * Node to node, gossip (docs/gospel.md): what the sender's Gospel holds. {@code linkSequence} counts the
     * summaries the sender sent to this receiver, so that the receiver can measure the loss on the way.
     */
    record GospelSummary(long linkSequence, byte[] root, long size, List<GospelHead> heads) implements MeshMessage {
    }

    /** Node to node: entries of {@code author}'s chain from {@code from}, idempotent. */
    record GospelFetch(String author, long from, int count, int maxBytes) implements MeshMessage {
    }

    /** Node to node (answer or push): entries, the consistency proof, and the author's signed checkpoint. */
    record GospelBatch(String author, long from, List<byte[]> entries, List<byte[]> proof, byte[] note)
            implements MeshMessage {
    }
}
