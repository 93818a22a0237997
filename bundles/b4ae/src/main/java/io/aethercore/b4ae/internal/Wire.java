package io.aethercore.b4ae.internal;

/** Datagram types, sizes and limits of docs/b4ae-protocol.md §3. */
final class Wire {

    private Wire() {}

    static final int VERSION = 2;

    static final int T_INIT = 1;
    static final int T_RESP = 2;
    static final int T_FINISH = 3;
    static final int T_DATA = 4;
    static final int T_COOKIE = 5;
    static final int T_NACK = 6;

    /** Handshake fragment header (§3.1) and trailer (mac1, mac2). */
    static final int HS_HEADER = 16;
    static final int HS_TRAILER = 32;
    static final int HS_OVERHEAD = HS_HEADER + HS_TRAILER;
    static final int MAX_FRAGMENTS = 16;
    static final int MAX_HS_BODY = 16384;
    static final int MIN_DATAGRAM_SIZE = 256;

    static final int DATA_HEADER = 16;
    static final int TAG = 16;
    static final int INNER_HEADER = 3;
    static final int MIN_DATA = DATA_HEADER + INNER_HEADER + TAG;
    static final int MAX_CONTENT = 65000;

    /** INIT byte 2 (offered): besides the mode bits, "AES-256-GCM for DATA records is fine with me" (§5.6). */
    static final int OFFER_AES_GCM = 0x10;
    /** The mode bits of INIT byte 2. */
    static final int MODE_BITS = 0x0f;
    /** RESP byte 3: the AEAD of DATA records the responder chose (§5.6). */
    static final int TRANSPORT_CHACHA20_POLY1305 = 0;
    static final int TRANSPORT_AES_256_GCM = 1;

    static final int COOKIE_LEN = 64;
    static final int NACK_LEN = 16;

    static final int INNER_DATA = 0;
    static final int INNER_DUMMY = 1;
    static final int INNER_KEEPALIVE = 2;
    static final int INNER_CLOSE = 3;
    /** A piece of a message longer than the padding's largest bucket (padding.Splitter format, §4.5). */
    static final int INNER_FRAGMENT = 4;
    /** The sender's identity-key rotation announcement (§1.2, {@link RotationAnnouncement}). */
    static final int INNER_ROTATE = 5;
    /** The acknowledgement of a rotation announcement (§1.2). */
    static final int INNER_ROTATE_ACK = 6;

    // body sizes (§3.4)
    static final int INIT_A_LEN = 116;
    static final int INIT_B_LEN = 8 + 32 + 1568;
    static final int RESP_A_LEN = 60;
    static final int RESP_B_LEN = 12 + 32 + 1568 + 4627 + 16;
    static final int FINISH_B_LEN = 12 + 32 + 4627 + 16;
    /** Length of the SubjectPublicKeyInfo of an ML-DSA-87 key (2592 key bytes and a 22-byte DER prefix). */
    static final int MLDSA87_SPKI_LEN = mldsaSpkiLength();
    /** FINISH with the initiator's key included (body byte 2 = {@link #FINISH_KEY_INCLUDED}, §3.4). */
    static final int FINISH_B_KEY_LEN = 12 + 32 + MLDSA87_SPKI_LEN + 4627 + 16;
    static final int FINISH_PLAIN = 0;
    static final int FINISH_KEY_INCLUDED = 1;

    private static int mldsaSpkiLength() {
        try {
            return io.aethercore.api.crypto.RawPublicKey.of(io.aethercore.api.crypto.KeyAlgorithm.ML_DSA_87,
                    new byte[io.aethercore.api.crypto.KeyAlgorithm.ML_DSA_87.publicKeyLength()]).toSpki().length;
        } catch (io.aethercore.api.crypto.CryptoException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static String typeName(int t) {
        return switch (t) {
            case T_INIT -> "init";
            case T_RESP -> "resp";
            case T_FINISH -> "finish";
            case T_DATA -> "data";
            case T_COOKIE -> "cookie";
            case T_NACK -> "nack";
            default -> "unknown";
        };
    }

    /** A parsed handshake fragment header; the chunk stays in the datagram. */
    record Fragment(int type, int mode, int index, int count, int senderIndex, int receiverIndex, int total,
                    int offset, int chunkOffset, int chunkLength) {

        /**
         * Parses and bounds-checks a fragment; {@code null} when malformed.
         */
        static Fragment parse(byte[] d, int len) {
            if (len < HS_OVERHEAD + 1) {
                return null;
            }
            int type = Bytes.u8(d, 0);
            int mode = Bytes.u8(d, 1);
            int index = Bytes.u8(d, 2);
            int count = Bytes.u8(d, 3);
            int total = Bytes.u16(d, 12);
            int offset = Bytes.u16(d, 14);
            int chunk = len - HS_OVERHEAD;
            if (type < T_INIT || type > T_FINISH || (mode != 1 && mode != 2) || count < 1 || count > MAX_FRAGMENTS
                    || index >= count || total < 1 || total > MAX_HS_BODY || offset + chunk > total) {
                return null;
            }
            return new Fragment(type, mode, index, count, Bytes.i32(d, 4), Bytes.i32(d, 8), total, offset,
                    HS_HEADER, chunk);
        }
    }
}
