package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.Aead;
import io.aethercore.api.crypto.AeadAuthenticationException;

/** Noise-style symmetric state of a handshake: transcript hash h, chaining key ck, handshake key k (§5). */
final class SymmetricState {

    static final byte[] MIX = Suite.label("b4ae-v2 mix");

    private final Suite s;
    byte[] h;
    byte[] ck;
    private byte[] k;
    private long n;

    SymmetricState(Suite s, String protocolName) {
        this.s = s;
        this.h = s.h(Suite.label(protocolName));
        this.ck = h.clone();
    }

    private SymmetricState(SymmetricState o) {
        this.s = o.s;
        this.h = o.h.clone();
        this.ck = o.ck.clone();
        this.k = o.k == null ? null : o.k.clone();
        this.n = o.n;
    }

    /**
     * An independent copy: a message from an unauthenticated sender is processed on a copy, which replaces the
     * original only once the message authenticates, so a forged message cannot spoil the handshake (§5.5).
     */
    SymmetricState copy() {
        return new SymmetricState(this);
    }

    void mixHash(byte[] data) {
        h = s.h(h, data);
    }

    void mixHash(byte[] data, int off, int len) {
        mixHash(Bytes.slice(data, off, len));
    }

    void mixKey(byte[] ikm) {
        byte[] out = s.hkdf(ck, ikm, MIX, 64);
        Bytes.wipe(ck, k);
        ck = Bytes.slice(out, 0, 32);
        k = Bytes.slice(out, 32, 32);
        Bytes.wipe(out, ikm);
        n = 0;
    }

    private byte[] nonce() {
        byte[] nonce = new byte[12];
        long v = n++;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (v >>> (8 * i));
        }
        return nonce;
    }

    byte[] encryptAndHash(byte[] plaintext) {
        if (k == null) {
            throw new IllegalStateException("no handshake key yet");
        }
        Aead a = s.aead(k);
        byte[] c = a.seal(nonce(), plaintext, h);
        mixHash(c);
        return c;
    }

    byte[] decryptAndHash(byte[] ciphertext) throws AeadAuthenticationException {
        if (k == null) {
            throw new IllegalStateException("no handshake key yet");
        }
        Aead a = s.aead(k);
        byte[] p = a.open(nonce(), ciphertext, h);
        mixHash(ciphertext);
        return p;
    }

    /** Traffic keys from ck (every shared secret) and h (the whole transcript), §5.3: [i2r, r2i]. */
    byte[][] split(String label) {
        byte[] out = s.hkdf(ck, h, Suite.label(label), 64);
        byte[][] keys = {Bytes.slice(out, 0, 32), Bytes.slice(out, 32, 32)};
        Bytes.wipe(out);
        return keys;
    }

    void wipe() {
        Bytes.wipe(ck, k);
    }
}
