package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.Aead;
import io.aethercore.api.crypto.AeadAlgorithm;
import io.aethercore.api.crypto.AeadAuthenticationException;
import java.util.concurrent.atomic.AtomicLong;

/** Traffic keys of one completed handshake, per direction (§5.3, §6). */
final class Keypair {

    private final int localIndex;
    private final int remoteIndex;
    private final boolean initiator;
    private final long createdNanos;
    private final long limit;
    private final Aead send;
    private final Aead recv;
    private final AtomicLong counter = new AtomicLong();
    private final ReplayWindow window = new ReplayWindow();
    private volatile boolean confirmed;
    private volatile boolean heard;
    private volatile long probedNanos = Long.MIN_VALUE / 2;
    private volatile B4aeSession link;
    private volatile boolean wiped;

    Keypair(Suite s, Handshakes.Keys keys, int localIndex, int remoteIndex, boolean initiator, long now, long limit) {
        this.send = s.transport(keys.aead(), keys.send());
        this.recv = s.transport(keys.aead(), keys.recv());
        keys.wipe();
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.initiator = initiator;
        this.createdNanos = now;
        this.limit = limit;
        this.confirmed = initiator;
    }

    int localIndex() {
        return localIndex;
    }

    /** The AEAD of these keys' DATA records (§5.6). */
    io.aethercore.api.crypto.AeadAlgorithm aead() {
        return send.algorithm();
    }

    boolean initiator() {
        return initiator;
    }

    long createdNanos() {
        return createdNanos;
    }

    boolean confirmed() {
        return confirmed;
    }

    void setConfirmed(boolean c) {
        confirmed = c;
    }

    /** Whether an authenticated record from the peer was opened with these keys (the peer holds them). */
    boolean heard() {
        return heard;
    }

    void setHeard() {
        heard = true;
    }

    /** Whether a key-confirmation probe is due (§5.4); counts it. */
    synchronized boolean probeDue(long now, long intervalNanos) {
        if (now - probedNanos >= intervalNanos) {
            probedNanos = now;
            return true;
        }
        return false;
    }

    /** The session these keys belong to, once installed. */
    B4aeSession link() {
        return link;
    }

    void link(B4aeSession s) {
        link = s;
    }

    long sent() {
        return counter.get();
    }

    /** Builds a DATA record (§3.5) around an already padded plaintext; null when the counter is exhausted. */
    /**
     * Retired keys (§6.2): overwrites both directions' key bytes in the AEAD provider; from then on these keys
     * seal nothing (a record under zeroed keys must never leave) and open nothing.
     */
    void wipe() {
        wiped = true;
        send.destroy();
        recv.destroy();
    }

    boolean wiped() {
        return wiped;
    }

    byte[] seal(byte[] plaintext) {
        if (wiped) {
            return null;
        }
        long c = counter.getAndIncrement();
        if (c >= limit) {
            return null;
        }
        // the record is header || AEAD(plaintext, aad = header), sealed straight behind the header: no copy of the
        // ciphertext (a 16 KiB record would otherwise be allocated and copied once more)
        byte[] out = new byte[Wire.DATA_HEADER + plaintext.length + AeadAlgorithm.TAG_LENGTH];
        out[0] = Wire.T_DATA;
        Bytes.put32(out, 4, remoteIndex);
        Bytes.put64(out, 8, c);
        send.seal(nonce(c), plaintext, 0, plaintext.length, Bytes.slice(out, 0, Wire.DATA_HEADER), out, Wire.DATA_HEADER);
        return out;
    }

    static byte[] nonce(long c) {
        byte[] n = new byte[AeadAlgorithm.NONCE_LENGTH];
        for (int i = 0; i < 8; i++) {
            n[4 + i] = (byte) (c >>> (8 * i));
        }
        return n;
    }

    /** Opens a record: null on a replay, an old counter or a failed tag. */
    byte[] open(byte[] d, int len) {
        if (wiped) {
            return null;
        }
        long c = Bytes.u64(d, 8);
        synchronized (window) {
            if (!window.check(c)) {
                return null;
            }
        }
        byte[] header = Bytes.slice(d, 0, Wire.DATA_HEADER);
        byte[] pt;
        try {
            pt = recv.open(nonce(c), d, Wire.DATA_HEADER, len - Wire.DATA_HEADER, header);
        } catch (AeadAuthenticationException e) {
            return null;
        }
        synchronized (window) {
            if (!window.accept(c)) {
                return null;
            }
        }
        return pt;
    }

    /** Whether a counter is certainly a replay (for the drop reason). */
    boolean seen(long c) {
        synchronized (window) {
            return !window.check(c);
        }
    }
}
