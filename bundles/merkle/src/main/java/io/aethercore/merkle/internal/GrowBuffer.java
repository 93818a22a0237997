package io.aethercore.merkle.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/** A growable byte buffer for bytes appended but not yet written to a file. Not thread-safe. */
final class GrowBuffer {

    private byte[] data;
    private int length;

    GrowBuffer(int initialCapacity) {
        data = new byte[initialCapacity];
    }

    int length() {
        return length;
    }

    private void ensure(int extra) {
        if (length + extra > data.length) {
            long want = Math.max((long) data.length * 2, (long) length + extra);
            if (want > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("write buffer over 2 GiB: commit more often");
            }
            data = Arrays.copyOf(data, (int) want);
        }
    }

    void put(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, data, length, len);
        length += len;
    }

    void putInt(int v) {
        ensure(4);
        data[length++] = (byte) (v >>> 24);
        data[length++] = (byte) (v >>> 16);
        data[length++] = (byte) (v >>> 8);
        data[length++] = (byte) v;
    }

    void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    void get(int offset, byte[] dst, int dstOff, int len) {
        System.arraycopy(data, offset, dst, dstOff, len);
    }

    long getLong(int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (data[offset + i] & 0xff);
        }
        return v;
    }

    /** Writes everything at {@code position} of {@code ch} and empties the buffer. */
    void drainTo(FileChannel ch, long position) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        long pos = position;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
        length = 0;
        if (data.length > 4 * 1024 * 1024) {
            data = new byte[64 * 1024]; // give back the memory of a burst
        }
    }
}
