package io.aethercore.b4ae.internal;

import java.util.Arrays;

/** Big-endian integer access and small array helpers for the wire formats. */
final class Bytes {

    private Bytes() {}

    static int u8(byte[] b, int off) {
        return b[off] & 0xff;
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    static int i32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    static long u64(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void put64(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    static byte[] slice(byte[] b, int off, int len) {
        return Arrays.copyOfRange(b, off, off + len);
    }

    static void wipe(byte[]... arrays) {
        for (byte[] a : arrays) {
            if (a != null) {
                Arrays.fill(a, (byte) 0);
            }
        }
    }

    static boolean isZero(byte[] b, int off, int len) {
        int acc = 0;
        for (int i = 0; i < len; i++) {
            acc |= b[off + i];
        }
        return acc == 0;
    }

    /** Constant-time comparison of {@code a} with {@code b[off..off+a.length]}. */
    static boolean equalsAt(byte[] a, byte[] b, int off) {
        if (off < 0 || off + a.length > b.length) {
            return false;
        }
        int acc = 0;
        for (int i = 0; i < a.length; i++) {
            acc |= a[i] ^ b[off + i];
        }
        return acc == 0;
    }
}
