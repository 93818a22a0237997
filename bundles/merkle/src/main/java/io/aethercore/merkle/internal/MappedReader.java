package io.aethercore.merkle.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Reads fixed-size records of an append-only file: complete 16 MiB chunks through read-only memory
 * maps (no system call per read), the growing last chunk with positional reads. Records never span
 * chunks (the chunk size is a multiple of every record size used). Thread-safe.
 */
final class MappedReader {

    static final int CHUNK = 1 << 24;

    private final FileChannel channel;
    private volatile MappedByteBuffer[] chunks = new MappedByteBuffer[0];

    MappedReader(FileChannel channel) {
        this.channel = channel;
    }

    /** Reads {@code dst.length} bytes at {@code offset}; {@code written} is how many bytes of the file are written. */
    void read(long offset, byte[] dst, long written) throws IOException {
        int c = (int) (offset / CHUNK);
        if ((long) (c + 1) * CHUNK <= written) {
            chunk(c).get((int) (offset % CHUNK), dst, 0, dst.length);
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(dst);
        long pos = offset;
        while (b.hasRemaining()) {
            int n = channel.read(b, pos);
            if (n < 0) {
                throw new EOFException("read past the end of the log file at " + pos);
            }
            pos += n;
        }
    }

    private MappedByteBuffer chunk(int c) throws IOException {
        MappedByteBuffer[] cs = chunks;
        if (c < cs.length && cs[c] != null) {
            return cs[c];
        }
        synchronized (this) {
            cs = chunks;
            if (c >= cs.length) {
                cs = Arrays.copyOf(cs, Math.max(c + 1, cs.length * 2));
            }
            if (cs[c] == null) {
                cs[c] = channel.map(FileChannel.MapMode.READ_ONLY, (long) c * CHUNK, CHUNK);
            }
            chunks = cs;
            return cs[c];
        }
    }
}
