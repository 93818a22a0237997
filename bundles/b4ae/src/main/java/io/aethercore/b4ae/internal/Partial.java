package io.aethercore.b4ae.internal;

import java.net.InetSocketAddress;

/**
 * One handshake message being reassembled from fragments (§3.2). First copy of a fragment wins; the
 * finished message must tile [0, total) exactly. Not thread-safe: the engine locks.
 */
final class Partial {

    final int type;
    final int mode;
    final int senderIndex;
    final int count;
    final int total;
    final InetSocketAddress from;
    private final byte[][] chunks;
    private final int[] offsets;
    private int received;
    private int bytes;
    long lastNanos;
    int nacks;

    Partial(Wire.Fragment f, InetSocketAddress from, long now) {
        this.type = f.type();
        this.mode = f.mode();
        this.senderIndex = f.senderIndex();
        this.count = f.count();
        this.total = f.total();
        this.from = from;
        this.chunks = new byte[count][];
        this.offsets = new int[count];
        this.lastNanos = now;
    }

    boolean fits(Wire.Fragment f) {
        return f.type() == type && f.mode() == mode && f.senderIndex() == senderIndex && f.count() == count
                && f.total() == total;
    }

    /**
     * Adds a fragment's chunk.
     *
     * @return bytes newly buffered (0 for a duplicate), or -1 when the fragment contradicts the message
     */
    int add(Wire.Fragment f, byte[] d, long now) {
        if (!fits(f)) {
            return -1;
        }
        lastNanos = now;
        if (chunks[f.index()] != null) {
            return 0;
        }
        if (bytes + f.chunkLength() > total) {
            return -1;
        }
        byte[] c = new byte[f.chunkLength()];
        System.arraycopy(d, f.chunkOffset(), c, 0, c.length);
        chunks[f.index()] = c;
        offsets[f.index()] = f.offset();
        received++;
        bytes += c.length;
        return c.length;
    }

    int bytes() {
        return bytes;
    }

    boolean complete() {
        return received == count;
    }

    /** Bitmap of missing fragment indices. */
    int missing() {
        int m = 0;
        for (int i = 0; i < count; i++) {
            if (chunks[i] == null) {
                m |= 1 << i;
            }
        }
        return m;
    }

    /** The message if the chunks tile [0, total) in index order; null otherwise. */
    byte[] assemble() {
        if (!complete()) {
            return null;
        }
        byte[] out = new byte[total];
        int pos = 0;
        for (int i = 0; i < count; i++) {
            if (offsets[i] != pos) {
                return null;
            }
            System.arraycopy(chunks[i], 0, out, pos, chunks[i].length);
            pos += chunks[i].length;
        }
        return pos == total ? out : null;
    }
}
