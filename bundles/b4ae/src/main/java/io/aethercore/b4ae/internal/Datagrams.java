package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.DatagramTransport;
import io.aethercore.api.b4ae.Mode;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side of handshakes (wireguard-go's {@code send}): splits handshake bodies into fragments with
 * mac1 (§3.1), sends datagrams on the current transport, and sends and answers NACKs (§3.3) by resending only
 * the missing fragments of a handshake this node still holds.
 */
final class Datagrams {

    private static final Logger LOG = LoggerFactory.getLogger(Datagrams.class);

    private final EngineContext ctx;
    private final IndexTable index;
    private volatile DatagramTransport transport;
    private volatile java.util.concurrent.ScheduledExecutorService later;

    /** Copies of a re-sent handshake message, and the gap between them (§5.5). */
    static final int COPIES = 2;
    static final long COPY_GAP_MS = 10;

    /** §3.3: a fragment is resent on a NACK at most once per this many nanoseconds. */
    static final long NACK_RESEND_GAP_NANOS = 50_000_000L;

    /**
     * When each fragment of a held handshake message was last resent on a NACK, keyed by the message's datagram
     * array (identity; weak, so it goes with the handshake).
     */
    private final java.util.Map<byte[][], long[]> nackResent =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    Datagrams(EngineContext ctx, IndexTable index) {
        this.ctx = ctx;
        this.index = index;
    }

    DatagramTransport transport() {
        return transport;
    }

    void setTransport(DatagramTransport t) {
        this.transport = t;
    }

    /** Where the later copies of {@link #sendCopies} are scheduled (the engine's timer); null: back to back. */
    void setScheduler(java.util.concurrent.ScheduledExecutorService s) {
        this.later = s;
    }

    /**
     * Re-sends a handshake message in {@link #COPIES} copies {@link #COPY_GAP_MS} ms apart (§5.5): under random
     * loss every copy is another chance, and the gap keeps a short burst from taking all of them.
     */
    void sendCopies(InetSocketAddress to, byte[][] datagrams, int onlyMask) {
        sendAll(to, datagrams, onlyMask);
        java.util.concurrent.ScheduledExecutorService s = later;
        for (int c = 1; c < COPIES; c++) {
            if (s == null) {
                sendAll(to, datagrams, onlyMask);
                continue;
            }
            try {
                s.schedule(() -> sendAll(to, datagrams, onlyMask), COPY_GAP_MS * c,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                return;
            }
        }
    }

    /** Splits a handshake body into fragments with mac1 (and zero mac2), §3.1. */
    byte[][] fragment(Suite s, int type, Mode mode, int sender, int receiver, byte[] body, byte[] mac1Key) {
        int maxDatagram = ctx.settings().maxDatagram();
        int chunk = maxDatagram - Wire.HS_OVERHEAD;
        int count = (body.length + chunk - 1) / chunk;
        if (count > Wire.MAX_FRAGMENTS) {
            throw new IllegalStateException("handshake message of " + body.length + " bytes needs " + count
                    + " fragments at max_datagram_size " + maxDatagram + "; raise it");
        }
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; i++) {
            int off = i * chunk;
            int len = Math.min(chunk, body.length - off);
            byte[] d = new byte[Wire.HS_OVERHEAD + len];
            d[0] = (byte) type;
            d[1] = (byte) mode.bit();
            d[2] = (byte) i;
            d[3] = (byte) count;
            Bytes.put32(d, 4, sender);
            Bytes.put32(d, 8, receiver);
            Bytes.put16(d, 12, body.length);
            Bytes.put16(d, 14, off);
            System.arraycopy(body, off, d, Wire.HS_HEADER, len);
            byte[] mac1 = s.mac(mac1Key, d, 0, d.length - 32);
            System.arraycopy(mac1, 0, d, d.length - 32, 16);
            out[i] = d;
        }
        return out;
    }

    /** Sends the datagrams whose bit is set in {@code onlyMask} (-1: all). */
    void sendAll(InetSocketAddress to, byte[][] datagrams, int onlyMask) {
        for (int i = 0; i < datagrams.length; i++) {
            if (onlyMask == -1 || (onlyMask & (1 << i)) != 0) {
                sendRaw(to, datagrams[i]);
            }
        }
    }

    void sendRaw(InetSocketAddress to, byte[] d) {
        DatagramTransport t = transport;
        if (t == null) {
            return;
        }
        try {
            t.send(to, d, 0, d.length);
        } catch (IOException e) {
            LOG.debug("send to {} failed: {}", to, e.toString());
        }
    }

    /** Asks the sender of a partly received handshake message for the fragments in {@code missing}. */
    void sendNack(InetSocketAddress to, int msgType, int msgSender, int ourIndex, int missing) {
        byte[] n = new byte[Wire.NACK_LEN];
        n[0] = Wire.T_NACK;
        n[1] = (byte) msgType;
        Bytes.put32(n, 4, msgSender);
        Bytes.put32(n, 8, ourIndex);
        Bytes.put16(n, 12, missing);
        sendRaw(to, n);
    }

    /** A NACK from a peer: resend only what is missing, and only to the address of the handshake (§3.3). */
    void onNack(InetSocketAddress from, byte[] d, int len) {
        ProtocolObserver observer = ctx.observer();
        if (len != Wire.NACK_LEN) {
            observer.datagramDropped("malformed");
            return;
        }
        int type = Bytes.u8(d, 1);
        int msgSender = Bytes.i32(d, 4);
        int missing = Bytes.u16(d, 12);
        byte[][] datagrams = null;
        InetSocketAddress to = null;
        if (type == Wire.T_INIT) {
            PendingInit p = index.init(msgSender);
            if (p != null) {
                synchronized (p) {
                    datagrams = p.datagrams();
                    to = p.address();
                }
            }
        } else if (type == Wire.T_RESP) {
            PendingResp pr = index.resp(msgSender);
            if (pr != null) {
                pr.nacked(missing);
                datagrams = pr.datagrams();
                to = pr.address();
            }
        } else if (type == Wire.T_FINISH) {
            Finished f = index.finished(msgSender);
            if (f != null) {
                f.nacked(missing, System.nanoTime());
                datagrams = f.datagrams();
                to = f.address();
            }
        }
        if (datagrams == null) {
            observer.datagramDropped("unknown-handshake");
            return;
        }
        int due = limitNackResends(datagrams, missing & ((1 << datagrams.length) - 1), System.nanoTime());
        if (due == 0) {
            observer.dosAttemptBlocked("nack-rate");
            return;
        }
        sendAll(to, datagrams, due);
    }

    /** The fragments of {@code mask} not resent on a NACK within the last 50 ms; marks them resent now. */
    int limitNackResends(byte[][] datagrams, int mask, long now) {
        synchronized (nackResent) {
            long[] last = nackResent.computeIfAbsent(datagrams, k -> {
                long[] a = new long[k.length];
                java.util.Arrays.fill(a, Long.MIN_VALUE);
                return a;
            });
            int due = 0;
            for (int i = 0; i < datagrams.length; i++) {
                if ((mask & (1 << i)) != 0 && (last[i] == Long.MIN_VALUE || now - last[i] >= NACK_RESEND_GAP_NANOS)) {
                    last[i] = now;
                    due |= 1 << i;
                }
            }
            return due;
        }
    }
}
