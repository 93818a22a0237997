package io.aethercore.crypto.internal;

import java.util.Objects;

/** Small argument checks shared by the providers. */
final class Bytes {

    static final byte[] EMPTY = new byte[0];

    static void checkRange(byte[] data, int offset, int length) {
        Objects.requireNonNull(data, "data");
        Objects.checkFromIndexSize(offset, length, data.length);
    }

    static byte[] orEmpty(byte[] b) {
        return b == null ? EMPTY : b;
    }

    static boolean isAllZero(byte[] b) {
        int acc = 0;
        for (byte x : b) {
            acc |= x;
        }
        return acc == 0;
    }

    private Bytes() {}
}
