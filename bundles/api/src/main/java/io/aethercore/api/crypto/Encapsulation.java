package io.aethercore.api.crypto;

import java.util.Arrays;

/** The result of a KEM encapsulation: the ciphertext to send and the shared secret to keep. */
public final class Encapsulation {

    private final byte[] ciphertext;
    private final byte[] sharedSecret;

    public Encapsulation(byte[] ciphertext, byte[] sharedSecret) {
        this.ciphertext = ciphertext.clone();
        this.sharedSecret = sharedSecret.clone();
    }

    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    public byte[] sharedSecret() {
        return sharedSecret.clone();
    }

    /** Overwrites the shared secret held by this object. */
    public void wipe() {
        Arrays.fill(sharedSecret, (byte) 0);
    }

    @Override
    public String toString() {
        return "Encapsulation[ciphertext " + ciphertext.length + " bytes, secret hidden]";
    }
}
