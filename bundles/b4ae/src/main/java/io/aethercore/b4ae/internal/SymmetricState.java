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
