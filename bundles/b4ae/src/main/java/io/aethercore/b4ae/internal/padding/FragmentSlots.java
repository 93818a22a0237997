package io.aethercore.b4ae.internal.padding;

/**
 * The slots of one message being put back together from numbered fragments: the bookkeeping both reassembly
 * paths share (record FRAGMENTs in {@link Reassembler}, handshake fragments in the engine). The first copy of
 * a fragment wins; the message is the fragments' data in index order. Not thread-safe: the owner locks.
 */
public final class FragmentSlots {

    private final byte[][] parts;
    private final int[] offsets;
    private int received;
    private long held;

    /** @param count fragments in the message (1 to 65535) */
    public FragmentSlots(int count) {
        this.parts = new byte[count][];
        this.offsets = new int[count];
    }

    public int count() {
        return parts.length;
    }

    /** Whether fragment {@code index} is already held. */
    public boolean has(int index) {
        return parts[index] != null;
    }

    /**
     * Stores a copy of fragment {@code index}'s data, unless one is already held.
     *
     * @param offset where the data starts in the message, or -1 when the data simply follows the previous
     *               fragment's (checked by {@link #assemble(int)})
     * @return bytes newly held, 0 for a duplicate
     */
    public int put(int index, int offset, byte[] src, int srcOffset, int length) {
        if (parts[index] != null) {
            return 0;
        }
        byte[] data = new byte[length];
        System.arraycopy(src, srcOffset, data, 0, length);
        parts[index] = data;
        offsets[index] = offset;
        received++;
        held += length;
        return length;
    }

    public boolean complete() {
        return received == parts.length;
    }

    /** Bytes held. */
    public long held() {
        return held;
    }

    /** Bitmap of the missing fragment indices (the first 32). */
    public int missing() {
        int m = 0;
        for (int i = 0; i < parts.length && i < 32; i++) {
            if (parts[i] == null) {
                m |= 1 << i;
            }
        }
        return m;
    }

    /**
     * The message, when every fragment is held, the data tiles {@code [0, total)} in index order and every
     * given offset is where its fragment lands; {@code null} otherwise.
     */
    public byte[] assemble(int total) {
        if (!complete() || held != total) {
            return null;
        }
        byte[] out = new byte[total];
        int pos = 0;
        for (int i = 0; i < parts.length; i++) {
            if (offsets[i] != -1 && offsets[i] != pos) {
                return null;
            }
            System.arraycopy(parts[i], 0, out, pos, parts[i].length);
            pos += parts[i].length;
        }
        return out;
    }
}
