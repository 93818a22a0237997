package io.aethercore.b4ae.internal.padding;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Puts {@link Splitter} fragments back together, one instance per session (the record layer has already
 * authenticated and de-duplicated them, but the peer is still not trusted with our memory). Every fragment
 * is checked against the header of the first fragment seen for its message and against hard limits: message
 * size, fragments per message, messages in progress and bytes held. Incomplete messages are evicted after
 * {@code timeoutNanos} or, when a limit is hit, oldest first; {@link #evicted()} counts them.
 *
 * <p>Not thread-safe: call it from the session's receive path only.
 */
public final class Reassembler {

    private final int maxMessageBytes;
    private final int maxFragments;
    private final int maxPendingMessages;
    private final long maxPendingBytes;
    private final long timeoutNanos;

    private final LinkedHashMap<Integer, Pending> pending = new LinkedHashMap<>();
    private long pendingBytes;
    private long evicted;

    public Reassembler(int maxMessageBytes, int maxFragments, int maxPendingMessages, long maxPendingBytes,
                       long timeoutNanos) {
        if (maxMessageBytes < 0 || maxFragments < 1 || maxFragments > 0xFFFF || maxPendingMessages < 1
                || maxPendingBytes < 1 || timeoutNanos < 1) {
            throw new IllegalArgumentException("invalid reassembly limits");
        }
        this.maxMessageBytes = maxMessageBytes;
        this.maxFragments = maxFragments;
        this.maxPendingMessages = maxPendingMessages;
        this.maxPendingBytes = maxPendingBytes;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Takes one fragment.
     *
     * @return the whole message when this fragment completed it, otherwise {@code null}
     * @throws FragmentException when the fragment is malformed or inconsistent; the message it belonged to
     *         is discarded
     */
    public byte[] accept(byte[] fragment, long nowNanos) throws FragmentException {
        expire(nowNanos);
        if (fragment == null || fragment.length < Splitter.HEADER_BYTES) {
            throw new FragmentException("fragment-header", "fragment shorter than its " + Splitter.HEADER_BYTES
                    + "-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(fragment);
        int id = b.getInt();
        int index = Short.toUnsignedInt(b.getShort());
        int count = Short.toUnsignedInt(b.getShort());
        long total = Integer.toUnsignedLong(b.getInt());
        int dataLen = fragment.length - Splitter.HEADER_BYTES;
        if (count == 0 || index >= count) {
            drop(id);
            throw new FragmentException("fragment-header", "fragment index " + index + " not below count " + count);
        }
        if (count > maxFragments || total > maxMessageBytes) {
            drop(id);
            throw new FragmentException("fragment-limits", "message of " + total + " bytes in " + count
                    + " fragments exceeds the limits (" + maxMessageBytes + " bytes, " + maxFragments + " fragments)");
        }
        if (dataLen > total) {
            drop(id);
            throw new FragmentException("fragment-header", "fragment carries more data than the message length");
        }
        if (count == 1) {
            if (dataLen != total) {
                throw new FragmentException("fragment-header", "single fragment length " + dataLen + " != " + total);
            }
            byte[] out = new byte[dataLen];
            System.arraycopy(fragment, Splitter.HEADER_BYTES, out, 0, dataLen);
            return out;
        }
        Pending p = pending.get(id);
        if (p == null) {
            if (total > maxPendingBytes) {
                throw new FragmentException("fragment-limits", "message of " + total + " bytes exceeds the reassembly buffer of "
                        + maxPendingBytes + " bytes");
            }
            makeRoom(total);
            p = new Pending(count, (int) total, nowNanos);
            pending.put(id, p);
        } else if (p.count != count || p.total != total) {
            drop(id);
            throw new FragmentException("fragment-header", "fragment header disagrees with the earlier fragments of message "
                    + Integer.toUnsignedString(id));
        }
        if (p.slots.has(index)) {
            return null;                                        // duplicate: the first copy stands
        }
        // Every fragment but the last carries the same amount of data; the last carries the rest.
        if (index < count - 1) {
            if (p.fragmentData == 0) {
                p.fragmentData = dataLen;
            } else if (dataLen != p.fragmentData) {
                drop(id);
                throw new FragmentException("fragment-header", "fragment sizes differ within message "
                        + Integer.toUnsignedString(id));
            }
        }
        long expectedEnd = index < count - 1 ? (long) (index + 1) * dataLen : total;
        if (dataLen == 0 && index < count - 1 || p.fragmentData > 0 && (long) (count - 1) * p.fragmentData >= total
                || p.fragmentData > 0 && total - (long) (count - 1) * p.fragmentData > p.fragmentData
                || expectedEnd > total) {
            drop(id);
            throw new FragmentException("fragment-header", "fragment sizes do not add up to " + total + " bytes");
        }
        pendingBytes += p.slots.put(index, -1, fragment, Splitter.HEADER_BYTES, dataLen);
        if (!p.slots.complete()) {
            return null;
        }
        pending.remove(id);
        pendingBytes -= p.slots.held();
        if (p.slots.held() != total) {
            throw new FragmentException("fragment-header", "fragments add up to " + p.slots.held()
                    + " bytes, header says " + total);
        }
        return p.slots.assemble((int) total);
    }

    /** Messages in progress. */
    public int pendingMessages() {
        return pending.size();
    }

    /** Bytes held for messages in progress. */
    public long pendingBytes() {
        return pendingBytes;
    }

    /** Incomplete messages discarded so far (timeout or limits). */
    public long evicted() {
        return evicted;
    }

    private void makeRoom(long total) {
        // Reserve for the declared size so a message that can complete is never refused half-way.
        while (!pending.isEmpty() && (pending.size() >= maxPendingMessages || reserved() + total > maxPendingBytes)) {
            Iterator<Map.Entry<Integer, Pending>> it = pending.entrySet().iterator();
            Pending oldest = it.next().getValue();
            it.remove();
            pendingBytes -= oldest.slots.held();
            evicted++;
        }
    }

    private long reserved() {
        long r = 0;
        for (Pending p : pending.values()) {
            r += p.total;
        }
        return r;
    }

    private void expire(long nowNanos) {
        Iterator<Map.Entry<Integer, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Pending p = it.next().getValue();
            if (nowNanos - p.startedNanos <= timeoutNanos) {
                break;                                          // insertion order = age order
            }
            it.remove();
            pendingBytes -= p.slots.held();
            evicted++;
        }
    }

    private void drop(int id) {
        Pending p = pending.remove(id);
        if (p != null) {
            pendingBytes -= p.slots.held();
            evicted++;
        }
    }

    private static final class Pending {
        final int count;
        final int total;
        final long startedNanos;
        final FragmentSlots slots;
        int fragmentData;

        Pending(int count, int total, long startedNanos) {
            this.count = count;
            this.total = total;
            this.startedNanos = startedNanos;
            this.slots = new FragmentSlots(count);
        }
    }
}
