package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.B4aeException;
import io.aethercore.api.b4ae.DatagramTransport;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.api.b4ae.Session;
import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import io.aethercore.b4ae.internal.scheduler.OutboundMessage;
import io.aethercore.b4ae.internal.scheduler.SlotSink;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;

/**
 * The B4AE v2 protocol engine: one node's endpoint (docs/b4ae-protocol.md; its "Code map" lists the parts).
 * This class is the facade (wireguard-go's {@code device}): it wires the parts together and implements
 * {@link SecureChannel} and {@link SlotSink}. {@link Receive} dispatches datagrams, {@link Initiations} and
 * {@link Responses} run the handshakes, {@link RecordLayer} seals and opens records, {@link SessionTable}
 * keeps the sessions, {@link IndexTable} the sender indices, {@link Timers} the clock. OSGi-free; the DS
 * component is a thin shell around it.
 *
 * <p>Hooks for the metadata layer: {@link #setObserver(ProtocolObserver)}, {@link #setPadding(IntUnaryOperator)},
 * {@link #setOutbound(Consumer)} (a scheduler takes {@link OutboundMessage}s and calls back this engine as its
 * {@link SlotSink}).
 */
public final class B4aeEngine implements SecureChannel, SlotSink, AutoCloseable {

    private final EngineContext ctx;
    private final IndexTable index = new IndexTable();
    private final Datagrams datagrams;
    private final HandshakeReassembly reassembly;
    private final SessionTable sessions;
    private final RecordLayer records;
    private final Initiations initiations;
    private final Responses responses;
    private final Receive receive;
    private final Timers timers;
    private final KeyAnnouncements announcements;
    private final Consumer<OutboundMessage> direct = this::emit;
    /** With constant_rate on and no scheduler attached: nothing leaves (issue 17 item 7, fail closed). */
    private final Consumer<OutboundMessage> refuse = m -> {
        throw new IllegalStateException("constant_rate is on and the B4AE metadata layer (scheduler) is not"
                + " running, so nothing is sent; check the io.aethercore.b4ae configuration (log: 'B4AE"
                + " configuration') and scr:info io.aethercore.b4ae.internal.metrics.B4aeOpsComponent");
    };
    private volatile boolean metadataRequired;
    private volatile Consumer<OutboundMessage> hooked;
    private volatile Consumer<OutboundMessage> outbound = direct;
    private volatile String nodeName = "default";

    public B4aeEngine(Suite suite, StaticKeys keys, TrustStore trust, B4aeSettings settings, SecureRandom random) {
        this.ctx = new EngineContext(suite, keys, trust, settings, random);
        this.datagrams = new Datagrams(ctx, index);
        this.reassembly = new HandshakeReassembly(ctx, datagrams);
        this.sessions = new SessionTable(ctx, index, new B4aeSession.Owner() {
            @Override
            public Consumer<OutboundMessage> outbound() {
                return outbound;
            }

            @Override
            public void closeSession(B4aeSession s, boolean notify) {
                records.closeSession(s, notify);
            }
        });
        this.records = new RecordLayer(ctx, index, sessions, datagrams, this::maybeRekey, () -> outbound, () -> outbound != direct);
        this.announcements = new KeyAnnouncements(ctx, records);
        records.setRotation(announcements);
        this.initiations = new Initiations(ctx, index, datagrams, sessions, records);
        this.responses = new Responses(ctx, index, datagrams, reassembly, sessions, records);
        this.receive = new Receive(ctx, initiations, responses, records, datagrams);
        this.timers = new Timers(ctx, index, sessions, initiations, responses, reassembly, records, datagrams);
    }

    private void maybeRekey(B4aeSession s, Keypair kp) {
        timers.maybeRekey(s, kp);
    }

    // ------------------------------------------------------------------ hooks

    public void setSuite(Suite s) {
        ctx.setSuite(s);
    }

    public Suite suite() {
        return ctx.suite();
    }

    public void setObserver(ProtocolObserver o) {
        ctx.setObserver(o);
    }

    /** Padded plaintext length for a minimum length (inner header + content); values below it are ignored. */
    public void setPadding(IntUnaryOperator p) {
        records.setPadding(p);
    }

    /** Where sends go: a scheduler's queue, or {@code null} to seal and send at once (the default). */
    public void setOutbound(Consumer<OutboundMessage> o) {
        this.hooked = o;
        this.outbound = o != null ? o : metadataRequired ? refuse : direct;
    }

    /**
     * With {@code true} (constant_rate on) every record, KEEPALIVE and CLOSE included, goes through the outbound
     * hook; without one nothing is sent and {@code send} fails with the reason, instead of sending around the
     * scheduler.
     */
    public void setMetadataRequired(boolean required) {
        this.metadataRequired = required;
        setOutbound(hooked);
    }

    /** Whether records go out only through the metadata layer's hook (constant_rate on). */
    boolean metadataRequired() {
        return metadataRequired;
    }

    Consumer<OutboundMessage> outbound() {
        return outbound;
    }

    /** Attaches a transport (detaching the previous one); sessions survive the swap. */
    public void setTransport(DatagramTransport t) {
        DatagramTransport old = datagrams.transport();
        if (old == t) {
            return;
        }
        if (old != null) {
            old.setReceiver(null);
        }
        datagrams.setTransport(t);
        if (t != null) {
            t.setReceiver(this::onDatagram);
        }
    }

    public DatagramTransport transport() {
        return datagrams.transport();
    }

    public void setCookieSecret(byte[] secret) {
        ctx.guard().setSecret(secret);
    }

    public void setSupported(Set<Mode> modes) {
        ctx.setSupported(modes);
    }

    /** Modes a configured peer can do; unset: what its pinned keys allow. */
    public void setPeerModes(String peer, Set<Mode> modes) {
        ctx.setPeerModes(peer, modes);
    }

    /**
     * Revocation (issue 17 item 6): closes, with a CLOSE record, this peer's session when the key it was made
     * with is no longer accepted by the trust store, and drops keys of its handshakes that wait for their first
     * record. Returns the number of sessions closed.
     */
    public int revoke(String peer) {
        java.time.Instant now = java.time.Instant.now();
        int closed = 0;
        B4aeSession s = sessions.get(peer);
        if (s != null && s.isOpen() && !stillTrusted(peer, s.info().peerKeyFingerprint(), now)) {
            records.closeSession(s, true);
            closed++;
        }
        for (java.util.Map.Entry<Integer, Unconfirmed> e : index.unconfirmedEntries()) {
            Unconfirmed u = e.getValue();
            if (peer.equals(u.peer()) && !stillTrusted(peer, u.fingerprint(), now) && index.removeUnconfirmed(e.getKey(), u)) {
                if (u.init() != null) {
                    u.init().future().completeExceptionally(new B4aeException("revoked",
                            "peer '" + peer + "' was revoked by a configuration change"));
                }
            }
        }
        return closed;
    }

    /** Wipes the cached static-static secret with a key no longer pinned (revocation). */
    public void forgetStatic(RawPublicKey key) {
        ctx.forgetStatic(key);
    }

    int staticCacheSize() {
        return ctx.staticCacheSize();
    }

    private boolean stillTrusted(String peer, String fingerprint, java.time.Instant now) {
        return ctx.trust().findByFingerprint(fingerprint, now).map(k -> k.peer().equals(peer)).orElse(false);
    }

    /** Applies a configuration change to the running engine: the preferred mode, the cookie policy, enrollment. */
    public void reconfigure(B4aeSettings next) {
        ctx.reconfigure(next);
    }

    public StaticKeys staticKeys() {
        return ctx.keys();
    }

    // ------------------------------------------------------------------ identity-key rotation (§1.2)

    /** The generation of this node's identity keys (0 until its first rotation). */
    public int keyGeneration() {
        return ctx.generation();
    }

    /** The previous generation's keys while the responder still accepts them (overlap), else null. */
    public StaticKeys previousKeys() {
        return ctx.previousKeys();
    }

    /**
     * Makes {@code next} the current identity keys (generation {@code generation}): new handshakes from here
     * use them, handshakes addressed to the current ones are still answered until {@link #endOverlap()}.
     * Sessions stay. Returns an older generation that this drops at once (null normally).
     */
    StaticKeys installGeneration(StaticKeys next, int generation) {
        return ctx.install(next, generation);
    }

    /** At start during an overlap: {@code previous} is still accepted; the current keys are generation {@code g}. */
    void restoreGeneration(int g, StaticKeys previous) {
        ctx.restorePrevious(previous, g);
    }

    /** The overlap is over: handshakes addressed to the previous keys are refused. Returns them (or null). */
    StaticKeys endOverlap() {
        return ctx.dropPrevious();
    }

    TrustStore trustStore() {
        return ctx.trust();
    }

    KeyAnnouncements announcements() {
        return announcements;
    }

    /** The open sessions whose peer is pinned: the ones a rotation announcement goes to. */
    List<B4aeSession> pinnedSessions() {
        List<B4aeSession> out = new ArrayList<>();
        for (B4aeSession s : sessions.open()) {
            if (s.peerPinned()) {
                out.add(s);
            }
        }
        return out;
    }

    B4aeSession session(String peer) {
        B4aeSession s = sessions.get(peer);
        return s != null && s.isOpen() ? s : null;
    }

    public B4aeSettings settings() {
        return ctx.settings();
    }

    public void setNodeName(String name) {
        this.nodeName = name;
    }

    // ------------------------------------------------------------------ SecureChannel

    @Override
    public Session connect(String peer, Mode mode) throws B4aeException, InterruptedException {
        InetSocketAddress a = ctx.trust().address(peer).orElseThrow(() -> new B4aeException("no-address",
                "no address known for peer '" + peer + "'; configure it in peers or pass one"));
        return connect(peer, a, mode);
    }

    @Override
    public Session connect(String peer, InetSocketAddress address, Mode mode) throws B4aeException, InterruptedException {
        try {
            return connectAsync(peer, address, mode).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof B4aeException b) {
                throw b;
            }
            throw new B4aeException("error", String.valueOf(e.getCause()), e.getCause());
        }
    }

    @Override
    public CompletableFuture<Session> connectAsync(String peer, InetSocketAddress address, Mode mode) {
        CompletableFuture<Session> f = new CompletableFuture<>();
        B4aeSession existing = sessions.get(peer);
        if (existing != null && existing.isOpen() && (mode == null || existing.mode() == mode)) {
            f.complete(existing);
            return f;
        }
        try {
            initiations.start(new PendingInit(peer, address, mode, f));
        } catch (B4aeException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Mode B with this node's ML-DSA-87 key included in FINISH, for a pinned responder that has not pinned it. */
    @Override
    public CompletableFuture<Session> enrolAsync(String peer, InetSocketAddress address) {
        CompletableFuture<Session> f = new CompletableFuture<>();
        B4aeSession existing = sessions.get(peer);
        if (existing != null && existing.isOpen() && existing.mode() == Mode.B) {
            f.complete(existing);
            return f;
        }
        try {
            initiations.start(new PendingInit(peer, address, Mode.B, f, true));
        } catch (B4aeException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    @Override
    public Session accept(Duration timeout) throws InterruptedException {
        return sessions.accept(timeout);
    }

    @Override
    public List<Session> sessions() {
        return new ArrayList<>(sessions.open());
    }

    @Override
    public Set<Mode> supportedModes() {
        return EnumSet.copyOf(ctx.supported());
    }

    @Override
    public Optional<RawPublicKey> localKey(KeyAlgorithm algorithm) {
        return Optional.ofNullable(switch (algorithm) {
            case X25519 -> ctx.keys().x25519();
            case ML_DSA_87 -> ctx.keys().mldsa();
            default -> null;
        });
    }

    @Override
    public String nodeName() {
        return nodeName;
    }

    @Override
    public InetSocketAddress localAddress() {
        DatagramTransport t = datagrams.transport();
        return t == null ? null : t.localAddress();
    }

    // ------------------------------------------------------------------ datagrams and records

    /** Entry point for every datagram from the transport. Never throws. */
    public void onDatagram(InetSocketAddress from, byte[] d, int len) {
        receive.onDatagram(from, d, len);
    }

    /** Whether the cookie defence is on now (counting one more INIT when {@code countThis}). */
    boolean underLoad(boolean countThis) {
        return responses.underLoad(countThis);
    }

    /** {@link SlotSink}: seals and sends one real message now. */
    @Override
    public void emit(OutboundMessage message) {
        records.emit(message);
    }

    /**
     * Wraps a session in an {@link OutboundMessage} whose payload is one fragment of a longer message
     * (padding.Splitter format): {@link #emit} seals it with inner type FRAGMENT, the receiving session
     * reassembles it within hard limits and delivers the whole message.
     */
    public record FragmentOf(Object session) { }

    /**
     * A control record (KEEPALIVE, CLOSE) of {@code session} under {@code keys}, queued through the same outbound
     * hook as messages so that, with a scheduler, it takes a slot like any other record.
     */
    record ControlOf(B4aeSession session, Keypair keys, int inner) { }

    /** {@link SlotSink}: one DUMMY record of {@code paddedSize} plaintext bytes on some open session. */
    @Override
    public boolean emitDummy(int paddedSize) {
        return records.emitDummy(paddedSize);
    }

    /** {@link SlotSink}: the open sessions, each the destination of its own cover slots. */
    @Override
    public List<?> destinations() {
        return records.destinations();
    }

    @Override
    public Object destinationOf(OutboundMessage message) {
        return RecordLayer.destinationOf(message.session());
    }

    /** {@link SlotSink}: one DUMMY record to {@code destination} (a session of this engine). */
    @Override
    public boolean emitDummyTo(Object destination, int paddedSize) {
        return records.emitDummyTo(destination, paddedSize);
    }

    // ------------------------------------------------------------------ inspection (tests, console)

    /** Counts of state kept, to check that hostile input does not grow it. */
    public record StateSize(int pendingInits, int pendingResponders, int unconfirmed, int initPartials,
                            int reassemblyBytes, int sessions, int keypairs, int reassemblyAddresses) {}

    public StateSize stateSize() {
        int[] n = index.sizes();
        return new StateSize(n[0], n[1], n[2], reassembly.initPartials(), reassembly.bytes(), sessions.size(), n[3],
                reassembly.addressesTracked());
    }

    @Override
    public void close() {
        receive.close();
        if (!metadataRequired) {
            outbound = direct;                                    // CLOSE records leave now, not after a slot
        }
        for (B4aeSession s : sessions.all()) {
            records.closeSession(s, true);
        }
        setTransport(null);
        timers.close();
        initiations.close();
        responses.close();
        index.clearResps();
    }
}
