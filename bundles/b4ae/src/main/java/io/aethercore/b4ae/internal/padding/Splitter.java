package io.aethercore.b4ae.internal.padding;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an application message that does not fit one record into fragments, each small enough to be padded
 * within {@code max_bucket_size}. Fragment format (big-endian, inside the record encryption, so an observer
 * sees only padded records):
 *
 * <pre>
 *   u32 messageId   sender's counter, per session
 *   u16 index       0 .. count-1
 *   u16 count       number of fragments, 1 .. 65535
 *   u32 totalLength bytes of the whole message
 *   ..  data        fragmentData bytes for every fragment but the last, the rest in the last
 * </pre>
 *
 * Thread-safe (stateless); the caller supplies the message id.
 */
public final class Splitter {

    /** Bytes of the fragment header. */
    public static final int HEADER_BYTES = 12;

    private final int fragmentData;

    /**
     * @param maxFragmentBytes the largest fragment (header + data) one record may carry, e.g. max_bucket_size
     *                         minus the record's own inner header
     */
    public Splitter(int maxFragmentBytes) {
        if (maxFragmentBytes <= HEADER_BYTES) {
            throw new IllegalArgumentException("fragment size " + maxFragmentBytes + " leaves no room for data (header is "
                    + HEADER_BYTES + " bytes)");
        }
        this.fragmentData = maxFragmentBytes - HEADER_BYTES;
    }

    /** Data bytes carried by every fragment but the last. */
    public int fragmentData() {
        return fragmentData;
    }

    /** Number of fragments for a message of {@code length} bytes (at least 1, also for an empty message). */
    public int fragmentCount(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        return Math.max(1, (int) (((long) length + fragmentData - 1) / fragmentData));
    }

    public List<byte[]> split(int messageId, byte[] message) {
        int count = fragmentCount(message.length);
        if (count > 0xFFFF) {
            throw new IllegalArgumentException("message of " + message.length + " bytes needs " + count
                    + " fragments, more than 65535");
        }
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * fragmentData;
            int len = Math.min(fragmentData, message.length - from);
            ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + len);
            b.putInt(messageId).putShort((short) i).putShort((short) count).putInt(message.length);
            b.put(message, from, len);
            out.add(b.array());
        }
        return out;
    }
}
