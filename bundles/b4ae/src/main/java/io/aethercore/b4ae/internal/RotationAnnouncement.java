package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.crypto.SignatureService;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The identity-key rotation announcement (docs/b4ae-protocol.md §1.2): the content of an inner record of type
 * {@link Wire#INNER_ROTATE}, sent over an established session. It carries the node's new public keys and
 * generation, signed by the old ML-DSA-87 key (continuity: the key the peer has pinned vouches for the new
 * one) and by the new one (possession). Layout, big-endian:
 *
 * <pre>
 *   0     1  format (1)
 *   1     3  zero
 *   4     4  generation of the new keys (1 or more)
 *   8     8  validFrom, seconds since the epoch (when the new generation was made)
 *  16    32  new X25519 public key
 *  48  2592  new ML-DSA-87 public key (raw)
 * 2640   32  SHA-256 fingerprint of the old ML-DSA-87 key's SubjectPublicKeyInfo
 * 2672 4627  ML-DSA-87 signature by the old key over "b4ae-v2 key rotation" || bytes 0..2671
 * 7299 4627  ML-DSA-87 signature by the new key over the same message
 * </pre>
 *
 * The acknowledgement ({@link Wire#INNER_ROTATE_ACK}) is 40 bytes: format (1), three zero bytes, the generation,
 * and the new X25519 key it acknowledges. Parsing is strict: any other length, format or non-zero reserved
 * byte is refused.
 */
record RotationAnnouncement(int generation, Instant validFrom, RawPublicKey x25519, RawPublicKey mldsa,
                            byte[] oldFingerprint, byte[] oldSignature, byte[] newSignature) {

    static final int FORMAT = 1;
    static final byte[] LABEL = Suite.label("b4ae-v2 key rotation");
    static final int SIG = KeyAlgorithm.ML_DSA_87.signatureLength();
    static final int X_OFF = 16;
    static final int M_OFF = X_OFF + 32;
    static final int FP_OFF = M_OFF + KeyAlgorithm.ML_DSA_87.publicKeyLength();
    static final int SIGNED_LEN = FP_OFF + 32;
    static final int LENGTH = SIGNED_LEN + 2 * SIG;
    static final int ACK_LENGTH = 40;

    /** A refused announcement or acknowledgement; {@link #reason()} is a stable token. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final String reason;

        Refused(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /** Makes an announcement of {@code next} (generation {@code generation}), signed by {@code old} and {@code next}. */
    static byte[] create(StaticKeys old, StaticKeys next, int generation, Instant validFrom) throws CryptoException {
        if (old.mldsa() == null || next.mldsa() == null) {
            throw new IllegalStateException("a rotation announcement is signed with ML-DSA-87 keys; this node has none");
        }
        byte[] b = new byte[LENGTH];
        b[0] = FORMAT;
        Bytes.put32(b, 4, generation);
        Bytes.put64(b, 8, validFrom.getEpochSecond());
        System.arraycopy(next.x25519().encoded(), 0, b, X_OFF, 32);
        System.arraycopy(next.mldsa().encoded(), 0, b, M_OFF, FP_OFF - M_OFF);
        System.arraycopy(HexFormat.of().parseHex(old.mldsa().fingerprint()), 0, b, FP_OFF, 32);
        byte[] signed = signed(b);
        byte[] s1 = old.sign(signed);
        byte[] s2 = next.sign(signed);
        if (s1.length != SIG || s2.length != SIG) {
            throw new IllegalStateException("ML-DSA-87 signatures are " + SIG + " bytes; the custody made another length");
        }
        System.arraycopy(s1, 0, b, SIGNED_LEN, SIG);
        System.arraycopy(s2, 0, b, SIGNED_LEN + SIG, SIG);
        return b;
    }

    private static byte[] signed(byte[] b) {
        return Bytes.concat(LABEL, Arrays.copyOf(b, SIGNED_LEN));
    }

    /** Parses an announcement's bytes; checks the form only (see {@link #verify}). */
    static RotationAnnouncement parse(byte[] b) throws Refused {
        if (b.length != LENGTH) {
            throw new Refused("length", "announcement of " + b.length + " bytes; expected " + LENGTH);
        }
        if (b[0] != FORMAT || b[1] != 0 || b[2] != 0 || b[3] != 0) {
            throw new Refused("format", "unknown announcement format or non-zero reserved bytes");
        }
        int generation = Bytes.i32(b, 4);
        long seconds = Bytes.u64(b, 8);
        if (generation < 1 || seconds < 0 || seconds > Instant.MAX.getEpochSecond()) {
            throw new Refused("format", "announcement with generation " + generation + " or time " + seconds
                    + " out of range");
        }
        try {
            return new RotationAnnouncement(generation, Instant.ofEpochSecond(seconds),
                    RawPublicKey.of(KeyAlgorithm.X25519, Bytes.slice(b, X_OFF, 32)),
                    RawPublicKey.of(KeyAlgorithm.ML_DSA_87, Bytes.slice(b, M_OFF, FP_OFF - M_OFF)),
                    Bytes.slice(b, FP_OFF, 32), Bytes.slice(b, SIGNED_LEN, SIG), Bytes.slice(b, SIGNED_LEN + SIG, SIG));
        } catch (CryptoException e) {
            throw new Refused("format", "announcement key: " + e.getMessage());
        }
    }

    /** The old key's fingerprint as the trust store names it (hex). */
    String oldFingerprintHex() {
        return HexFormat.of().formatHex(oldFingerprint);
    }

    /**
     * Checks both signatures: the old one under {@code pinnedOld} (which must be the key the fingerprint names),
     * the new one under the announced key. Throws with reason {@code signature} otherwise.
     */
    void verify(SignatureService sigs, RawPublicKey pinnedOld) throws Refused {
        if (sigs == null) {
            throw new Refused("signature", "no ML-DSA-87 verifier is bound");
        }
        if (pinnedOld.algorithm() != KeyAlgorithm.ML_DSA_87 || !pinnedOld.fingerprint().equals(oldFingerprintHex())) {
            throw new Refused("unknown-key", "the announcement names an old key that is not the pinned one");
        }
        if (mldsa.equals(pinnedOld)) {
            throw new Refused("format", "the announced key is the old key");
        }
        byte[] message = signed(encodeSigned());
        try {
            sigs.verify(pinnedOld, message, oldSignature);
            sigs.verify(mldsa, message, newSignature);
        } catch (CryptoException | RuntimeException e) {
            throw new Refused("signature", "an announcement signature does not verify");
        }
    }

    private byte[] encodeSigned() {
        byte[] b = new byte[SIGNED_LEN];
        b[0] = FORMAT;
        Bytes.put32(b, 4, generation);
        Bytes.put64(b, 8, validFrom.getEpochSecond());
        System.arraycopy(x25519.encoded(), 0, b, X_OFF, 32);
        System.arraycopy(mldsa.encoded(), 0, b, M_OFF, FP_OFF - M_OFF);
        System.arraycopy(oldFingerprint, 0, b, FP_OFF, 32);
        return b;
    }

    /** The acknowledgement of this announcement. */
    byte[] ack() {
        return ack(generation, x25519);
    }

    static byte[] ack(int generation, RawPublicKey x25519) {
        byte[] b = new byte[ACK_LENGTH];
        b[0] = FORMAT;
        Bytes.put32(b, 4, generation);
        System.arraycopy(x25519.encoded(), 0, b, 8, 32);
        return b;
    }

    /** Whether {@code ack} (strictly formed) acknowledges generation {@code generation} with key {@code x25519}. */
    static boolean acknowledges(byte[] ack, int generation, RawPublicKey x25519) {
        return ack.length == ACK_LENGTH && ack[0] == FORMAT && ack[1] == 0 && ack[2] == 0 && ack[3] == 0
                && Bytes.i32(ack, 4) == generation && Bytes.equalsAt(x25519.encoded(), ack, 8);
    }
}
