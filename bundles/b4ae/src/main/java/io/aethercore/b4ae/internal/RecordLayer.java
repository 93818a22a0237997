package io.aethercore.b4ae.internal;

import io.aethercore.b4ae.internal.padding.FragmentException;
import io.aethercore.b4ae.internal.padding.Reassembler;
import io.aethercore.b4ae.internal.scheduler.OutboundMessage;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.IntUnaryOperator;

/**
 * DATA records (§3.5, §6): seals and sends padded records, opens received ones (confirming keys that wait
 * for their first record, §5.4), delivers messages and reassembles FRAGMENT records, and closes sessions.
 * A record sealed past {@code rekey_after_messages} or with expired keys asks for a rekey.
 */
final class RecordLayer {

    private final EngineContext ctx;
    private final IndexTable index;
    private final SessionTable sessions;
    private final Datagrams datagrams;
    private final BiConsumer<B4aeSession, Keypair> rekey;
    private volatile IntUnaryOperator padding = IntUnaryOperator.identity();
    private volatile KeyAnnouncements rotation;
    private int dummyCursor;
    private final java.util.function.Supplier<java.util.function.Consumer<OutboundMessage>> outbound;
    private final java.util.function.BooleanSupplier viaOutbound;

    RecordLayer(EngineContext ctx, IndexTable index, SessionTable sessions, Datagrams datagrams,
                BiConsumer<B4aeSession, Keypair> rekey,
                java.util.function.Supplier<java.util.function.Consumer<OutboundMessage>> outbound,
                java.util.function.BooleanSupplier viaOutbound) {
        this.outbound = outbound;
        this.viaOutbound = viaOutbound;
        this.ctx = ctx;
        this.index = index;
        this.sessions = sessions;
        this.datagrams = datagrams;
        this.rekey = rekey;
    }

    void setRotation(KeyAnnouncements r) {
        this.rotation = r;
    }

    void setPadding(IntUnaryOperator p) {
        this.padding = p == null ? IntUnaryOperator.identity() : p;
    }

    void onData(InetSocketAddress from, byte[] d, int len) {
        ProtocolObserver observer = ctx.observer();
        if (len < Wire.MIN_DATA || d[1] != 0 || d[2] != 0 || d[3] != 0) {
            observer.datagramDropped("malformed");
            return;
        }
        int idx = Bytes.i32(d, 4);
        Keypair kp = index.keypair(idx);
        Unconfirmed u = null;
        if (kp == null) {
            u = index.unconfirmed(idx);
            if (u == null) {
                observer.datagramDropped("unknown-session");
                return;
            }
            kp = u.keypair();
        }
        if (ctx.expired(kp.createdNanos(), System.nanoTime())) {
            observer.datagramDropped("expired");
            return;
        }
        byte[] pt = kp.open(d, len);
        if (pt == null) {
            observer.datagramDropped(kp.seen(Bytes.u64(d, 8)) ? "replay" : "auth");
            return;
        }
        kp.setHeard();
        int type = pt[0] & 0xff;
        int length = Bytes.u16(pt, 1);
        if (pt.length < Wire.INNER_HEADER || length > pt.length - Wire.INNER_HEADER || type > Wire.INNER_ROTATE_ACK
                || !Bytes.isZero(pt, Wire.INNER_HEADER + length, pt.length - Wire.INNER_HEADER - length)) {
            observer.datagramDropped("inner");
            return;
        }
        if (u != null && index.removeUnconfirmed(idx, u)) {
            // §5.4: the first authenticated record from the peer confirms these keys
            kp.setConfirmed(true);
            boolean initiator = u.init() != null;
            B4aeSession session = sessions.install(kp, u.peer(), u.fingerprint(), u.mode(), initiator, from);
            observer.handshakeCompleted(u.mode().label(), initiator, System.nanoTime() - u.startedNanos(), u.peer());
            if (initiator) {
                if (u.init().enrol()) {
                    session.markEnrolled();
                }
                u.init().future().complete(session);
            }
        }
        B4aeSession s = kp.link();
        if (s == null) {
            observer.datagramDropped("unknown-session");
            return;
        }
        s.setAddress(from);
        observer.recordReceived(len, type == Wire.INNER_DUMMY);
        switch (type) {
            case Wire.INNER_DATA -> deliver(s, Bytes.slice(pt, Wire.INNER_HEADER, length));
            case Wire.INNER_FRAGMENT -> {
                byte[] whole;
                try {
                    Reassembler r = s.reassembler();
                    synchronized (r) {
                        whole = r.accept(Bytes.slice(pt, Wire.INNER_HEADER, length), System.nanoTime());
                    }
                } catch (FragmentException e) {
                    observer.datagramDropped(e.reason());
                    return;
                }
                if (whole != null) {
                    deliver(s, whole);
                }
            }
            case Wire.INNER_CLOSE -> closeSession(s, false);
            case Wire.INNER_ROTATE -> rotation.onAnnouncement(s, Bytes.slice(pt, Wire.INNER_HEADER, length));
            case Wire.INNER_ROTATE_ACK -> rotation.onAck(s, Bytes.slice(pt, Wire.INNER_HEADER, length));
            case Wire.INNER_KEEPALIVE -> {
                if (length == 1 && pt[Wire.INNER_HEADER] == PROBE) {
                    // §5.4: the peer does not know yet that this node holds these keys; one plain KEEPALIVE per probe
                    control(s, kp, Wire.INNER_KEEPALIVE, new byte[0]);
                }
            }
            default -> { } // DUMMY and KEEPALIVE: authenticated, nothing to deliver
        }
    }

    private void deliver(B4aeSession s, byte[] message) {
        s.countReceived();
        if (!s.deliver(message)) {
            ctx.observer().datagramDropped("inbox-full");
        }
    }

    /** The content of a KEEPALIVE that asks for an answer (a key-confirmation probe, §5.4). */
    static final byte PROBE = 1;

    /**
     * A key-confirmation probe (§5.4): a KEEPALIVE the peer answers with a plain one. Sent when keys are installed
     * before the peer is known to hold them (Mode A initiator, Mode B responder) and again every repair interval
     * until any record from the peer under these keys arrives.
     */
    void probe(B4aeSession s, Keypair kp) {
        kp.probeDue(System.nanoTime(), 0);
        control(s, kp, Wire.INNER_KEEPALIVE, new byte[] {PROBE});
    }

    /**
     * A KEEPALIVE or CLOSE: with a metadata layer attached (or required, constant_rate on) it goes through the
     * same outbound hook as messages and takes a scheduler slot (issue 17 item 7); without one it is sent now.
     */
    void control(B4aeSession s, Keypair kp, int inner, byte[] content) {
        if (!viaOutbound.getAsBoolean()) {
            sealAndSend(s, kp, inner, content, -1);
            return;
        }
        try {
            outbound.get().accept(new OutboundMessage(new B4aeEngine.ControlOf(s, kp, inner), content, System.nanoTime()));
        } catch (RuntimeException refused) {                      // queue full, or no scheduler while required
            ctx.observer().datagramDropped("metadata");
        }
    }

    /** Seals and sends one real message now (the engine's {@code SlotSink.emit}). */
    void emit(OutboundMessage message) {
        Object target = message.session();
        if (target instanceof B4aeEngine.ControlOf c) {            // sealed under the keys it was queued for
            sealAndSend(c.session(), c.keys(), c.inner(), message.payload(), -1);
            return;
        }
        int inner = Wire.INNER_DATA;
        if (target instanceof B4aeEngine.FragmentOf f) {
            target = f.session();
            inner = Wire.INNER_FRAGMENT;
        }
        if (!(target instanceof B4aeSession s) || !s.isOpen()) {
            ctx.observer().datagramDropped("closed");
            return;
        }
        Keypair kp = s.current();
        if (ctx.expired(kp.createdNanos(), System.nanoTime())) {
            ctx.observer().datagramDropped("expired");
            rekey.accept(s, kp);
            return;
        }
        if (sealAndSend(s, kp, inner, message.payload(), -1) && inner == Wire.INNER_DATA) {
            s.countSent();
        }
    }

    /** The open sessions: the destinations of per-destination cover slots. */
    List<B4aeSession> destinations() {
        return sessions.open();
    }

    /** The session a queued record goes to (messages, their fragments and control records alike). */
    static Object destinationOf(Object target) {
        if (target instanceof B4aeEngine.ControlOf c) {
            return c.session();
        }
        return target instanceof B4aeEngine.FragmentOf f ? f.session() : target;
    }

    /** One DUMMY record of {@code paddedSize} plaintext bytes to {@code destination}, if it is an open session. */
    boolean emitDummyTo(Object destination, int paddedSize) {
        return destination instanceof B4aeSession s && s.isOpen()
                && sealAndSend(s, s.current(), Wire.INNER_DUMMY, new byte[0], paddedSize);
    }

    /** One DUMMY record of {@code paddedSize} plaintext bytes on some open session. */
    boolean emitDummy(int paddedSize) {
        List<B4aeSession> open = sessions.open();
        if (open.isEmpty()) {
            return false;
        }
        B4aeSession s = open.get(Math.floorMod(dummyCursor++, open.size()));
        return sealAndSend(s, s.current(), Wire.INNER_DUMMY, new byte[0], paddedSize);
    }

    boolean sealAndSend(B4aeSession s, Keypair kp, int inner, byte[] content, int forcedSize) {
        int min = Wire.INNER_HEADER + content.length;
        int size = forcedSize >= min ? forcedSize : Math.max(min, padding.applyAsInt(min));
        size = Math.min(size, Math.max(min, Wire.INNER_HEADER + Wire.MAX_CONTENT));
        byte[] pt = new byte[size];
        pt[0] = (byte) inner;
        Bytes.put16(pt, 1, content.length);
        System.arraycopy(content, 0, pt, Wire.INNER_HEADER, content.length);
        byte[] rec = kp.seal(pt);
        if (rec == null) {
            ctx.observer().datagramDropped("counter");
            rekey.accept(s, kp);
            return false;
        }
        if (kp.sent() >= ctx.settings().rekeyAfterMessages()) {
            rekey.accept(s, kp);
        }
        datagrams.sendRaw(s.address(), rec);
        ctx.observer().recordSent(rec.length, inner == Wire.INNER_DUMMY);
        return true;
    }

    /** Closes a session; with {@code notify}, tells the peer with a CLOSE record first. */
    void closeSession(B4aeSession s, boolean notify) {
        if (!sessions.markClosed(s)) {
            return;
        }
        if (notify) {
            control(s, s.current(), Wire.INNER_CLOSE, new byte[0]);
        }
        sessions.forget(s);
    }
}
