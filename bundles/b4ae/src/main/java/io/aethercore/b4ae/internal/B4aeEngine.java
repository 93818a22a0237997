package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.B4aeException;
import io.aethercore.api.b4ae.DatagramTransport;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.api.b4ae.Session;
import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.b4ae.internal.scheduler.OutboundMessage;
import io.aethercore.b4ae.internal.scheduler.SlotSink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The B4AE v2 protocol engine: one node's endpoint (docs/b4ae-protocol.md). Receives datagrams from the
 * current {@link DatagramTransport}, runs the handshakes and the cookie defence, keeps the sessions, and
 * seals records. OSGi-free; the DS component is a thin shell around it.
 *
 * <p>Hooks for the metadata layer: {@link #setObserver(ProtocolObserver)}, {@link #setPadding(IntUnaryOperator)},
 * {@link #setOutbound(Consumer)} (a scheduler takes {@link OutboundMessage}s and calls back this engine as its
 * {@link SlotSink}).
 */
public final class B4aeEngine implements SecureChannel, SlotSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(B4aeEngine.class);

    /** Tunables; defaults as in docs/b4ae-protocol.md and the B4AE document. */
    public static final class Settings {
        public Set<Mode> supported = EnumSet.allOf(Mode.class);
        public Mode preferred = Mode.A;
        public int maxDatagram = 1200;
        public int handshakeRetryMs = 1000;
        public int handshakeAttempts = 5;
        public boolean cookieAlways = false;
        public int underLoadInitsPerSecond = 50;
        public int bloomFilterSize = 1_000_000;
        public int expirySeconds = 30;
        public byte[] cookieSecret;
        public long rekeyAfterMessages = 1L << 32;
        public int rekeyAfterSeconds = 120;
        public int rejectAfterSeconds = 180;
        public int maxReassemblyBytes = 4 << 20;
        public int fragmentNackMs = 100;
        public int maxPendingResponders = 1024;
        public int inboxLimit = 4096;
        public int tickMs = 50;
        public boolean trustOnFirstUse = false;
    }

    // ------------------------------------------------------------------ handshake state

    /** An initiator handshake in progress (one per connect, re-sent with fresh INITs). */
    private final class PendingInit {
        final String peer;
        final InetSocketAddress address;
        final CompletableFuture<Session> future;
        final Mode requested;
        final long startedNanos;
        int attempts;
        Handshakes.Initiator hs;
        byte[][] datagrams;       // INIT fragments as last sent
        byte[][] mac1s;
        byte[] cookie;
        long cookieNanos;
        long sentNanos;
        Partial resp;
        boolean done;
        boolean dead;   // the current INIT's ephemeral keys are spent; wait for the next INIT

        PendingInit(String peer, InetSocketAddress address, Mode requested, CompletableFuture<Session> future) {
            this.peer = peer;
            this.address = address;
            this.requested = requested;
            this.future = future;
            this.startedNanos = System.nanoTime();
        }
    }

    /** A responder handshake waiting for FINISH (Mode B). */
    private static final class PendingResp {
        final Handshakes.Responder r;
        final InetSocketAddress address;
        final byte[][] datagrams;
        final long startedNanos;
        long sentNanos;
        int resends;
        Partial finish;

        PendingResp(Handshakes.Responder r, InetSocketAddress address, byte[][] datagrams, long now) {
            this.r = r;
            this.address = address;
            this.datagrams = datagrams;
            this.startedNanos = now;
            this.sentNanos = now;
        }
    }

    /** A completed Mode B initiator handshake keeps FINISH a while, to answer NACKs and a repeated RESP. */
    private record Finished(int respIndex, InetSocketAddress address, byte[][] datagrams, long untilNanos) {}

    /**
     * Keys waiting for key confirmation (§5.4): a Mode A responder's until the initiator's first record, a
     * Mode B initiator's until the responder's first record (the responder sends a KEEPALIVE once FINISH
     * verified). {@code init} is the initiator's pending connect, null on the responder.
     */
    private record Unconfirmed(Keypair keypair, String peer, String fingerprint, Mode mode, InetSocketAddress address,
                               long startedNanos, long expiresNanos, PendingInit init) {}

    private final Settings settings;
    private final StaticKeys keys;
    private final TrustStore trust;
    private final SecureRandom random;
    private final CookieGuard guard;
    private volatile Suite suite;
    private volatile DatagramTransport transport;
    private volatile ProtocolObserver observer = ProtocolObserver.NONE;
    private volatile IntUnaryOperator padding = IntUnaryOperator.identity();
    private final Consumer<OutboundMessage> direct = this::emit;
    private volatile Consumer<OutboundMessage> outbound = direct;
    private volatile Set<Mode> supported;

    private final Object lock = new Object();
    private final Map<Integer, PendingInit> inits = new ConcurrentHashMap<>();
    private final Map<Integer, PendingResp> resps = new ConcurrentHashMap<>();
    private final Map<Integer, Finished> finished = new ConcurrentHashMap<>();
    private final Map<Integer, Unconfirmed> unconfirmed = new ConcurrentHashMap<>();
    private final Map<Integer, Keypair> keypairs = new ConcurrentHashMap<>();
    private final Map<String, B4aeSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Set<Mode>> peerModes = new ConcurrentHashMap<>();
    private final Map<PartialKey, Partial> initPartials = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, AtomicInteger> initPartialsPerAddress = new ConcurrentHashMap<>();
    private final AtomicInteger reassemblyBytes = new AtomicInteger();
    private final Map<RawPublicKey, byte[]> ssCache = new ConcurrentHashMap<>();
    private final Map<RawPublicKey, byte[]> lastTimestamps = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Session> acceptQueue = new LinkedBlockingQueue<>(256);
    private final ScheduledExecutorService timer;
    private final byte[] ownMac1Key;
    private Instant lastTimestamp = Instant.EPOCH;
    private int dummyCursor;
    private volatile boolean closed;

    private record PartialKey(InetSocketAddress from, int senderIndex) {}

    public B4aeEngine(Suite suite, StaticKeys keys, TrustStore trust, Settings settings, SecureRandom random) {
        this.suite = Objects.requireNonNull(suite, "suite");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.trust = Objects.requireNonNull(trust, "trust");
        this.settings = settings;
        this.random = random;
        if (settings.maxDatagram < Wire.MIN_DATAGRAM_SIZE) {
            throw new IllegalArgumentException("max_datagram_size must be at least " + Wire.MIN_DATAGRAM_SIZE);
        }
        this.supported = EnumSet.copyOf(settings.supported);
        if (keys.mldsa() == null) {
            this.supported.remove(Mode.B);
        }
        if (this.supported.isEmpty()) {
            throw new IllegalArgumentException("no supported mode left (Mode B needs an ML-DSA-87 key)");
        }
        this.guard = new CookieGuard(settings.cookieSecret, settings.bloomFilterSize, settings.expirySeconds,
                settings.underLoadInitsPerSecond, random, System::currentTimeMillis, System::nanoTime);
        this.ownMac1Key = CookieGuard.mac1Key(suite, keys.x25519());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "b4ae-timer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tickSafely, settings.tickMs, settings.tickMs, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ hooks

    public void setSuite(Suite s) {
        this.suite = Objects.requireNonNull(s);
    }

    public Suite suite() {
        return suite;
    }

    public void setObserver(ProtocolObserver o) {
        this.observer = o == null ? ProtocolObserver.NONE : o;
    }

    /** Padded plaintext length for a minimum length (inner header + content); values below it are ignored. */
    public void setPadding(IntUnaryOperator p) {
        this.padding = p == null ? IntUnaryOperator.identity() : p;
    }

    /** Where sends go: a scheduler's queue, or {@code null} to seal and send at once (the default). */
    public void setOutbound(Consumer<OutboundMessage> o) {
        this.outbound = o == null ? direct : o;
    }

    Consumer<OutboundMessage> outbound() {
        return outbound;
    }

    /** Attaches a transport (detaching the previous one); sessions survive the swap. */
    public void setTransport(DatagramTransport t) {
        DatagramTransport old = this.transport;
        if (old == t) {
            return;
        }
        if (old != null) {
            old.setReceiver(null);
        }
        this.transport = t;
        if (t != null) {
            t.setReceiver(this::onDatagram);
        }
    }

    public DatagramTransport transport() {
        return transport;
    }

    public void setCookieSecret(byte[] secret) {
        guard.setSecret(secret);
    }

    public void setSupported(Set<Mode> modes) {
        EnumSet<Mode> m = EnumSet.copyOf(modes);
        if (keys.mldsa() == null) {
            m.remove(Mode.B);
        }
        if (m.isEmpty()) {
            throw new IllegalArgumentException("no supported mode");
        }
        this.supported = m;
    }

    /** Modes a configured peer can do; unset: what its pinned keys allow. */
    public void setPeerModes(String peer, Set<Mode> modes) {
        if (modes == null || modes.isEmpty()) {
            peerModes.remove(peer);
        } else {
            peerModes.put(peer, EnumSet.copyOf(modes));
        }
    }

    public StaticKeys staticKeys() {
        return keys;
    }

    // ------------------------------------------------------------------ SecureChannel

    @Override
    public Session connect(String peer, Mode mode) throws B4aeException, InterruptedException {
        InetSocketAddress a = trust.address(peer).orElseThrow(() -> new B4aeException("no-address",
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
        if (existing != null && existing.isOpen() && (mode == null || existing.mode == mode)) {
            f.complete(existing);
            return f;
        }
        PendingInit p = new PendingInit(peer, address, mode, f);
        try {
            startInit(p);
        } catch (B4aeException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    @Override
    public Session accept(Duration timeout) throws InterruptedException {
        return acceptQueue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public List<Session> sessions() {
        List<Session> out = new ArrayList<>();
        for (B4aeSession s : sessions.values()) {
            if (s.isOpen()) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public Set<Mode> supportedModes() {
        return EnumSet.copyOf(supported);
    }

    @Override
    public java.util.Optional<RawPublicKey> localKey(KeyAlgorithm algorithm) {
        return java.util.Optional.ofNullable(switch (algorithm) {
            case X25519 -> keys.x25519();
            case ML_DSA_87 -> keys.mldsa();
            default -> null;
        });
    }

    private volatile String nodeName = "default";

    public void setNodeName(String name) {
        this.nodeName = name;
    }

    @Override
    public String nodeName() {
        return nodeName;
    }

    @Override
    public InetSocketAddress localAddress() {
        DatagramTransport t = transport;
        return t == null ? null : t.localAddress();
    }

    // ------------------------------------------------------------------ initiator

    private int possibleModes(String peer, Instant now) {
        int m = 0;
        if (trust.current(peer, KeyAlgorithm.X25519, now).isPresent()) {
            m |= Mode.A.bit();
            if (trust.current(peer, KeyAlgorithm.ML_DSA_87, now).isPresent() && keys.mldsa() != null
                    && suite.modeBCapable()) {
                m |= Mode.B.bit();
            }
        }
        Set<Mode> configured = peerModes.get(peer);
        if (configured != null) {
            m &= Mode.mask(configured);
        }
        return m;
    }

    private void startInit(PendingInit p) throws B4aeException {
        Suite s = suite;
        Instant now = Instant.now();
        RawPublicKey peerStatic = trust.current(p.peer, KeyAlgorithm.X25519, now).orElseThrow(() ->
                new B4aeException("unknown-peer", "no X25519 key pinned for peer '" + p.peer
                        + "'; pin its key (configuration 'peers' or the trust store) first"));
        int possible = possibleModes(p.peer, now);
        int local = Mode.mask(supported);
        int offered = (p.requested == null ? local : (p.requested.bit() & local)) & possible;
        if (offered == 0) {
            throw new B4aeException("mode", "no common mode with '" + p.peer + "': requested "
                    + (p.requested == null ? "any" : p.requested) + ", this node supports " + supported
                    + ", the peer's pinned keys allow " + Mode.fromMask(possible));
        }
        int preferred = p.requested != null ? p.requested.bit() : settings.preferred.bit();
        Mode mode = Handshakes.select(offered, preferred, offered);
        RawPublicKey peerSig = mode == Mode.B ? trust.current(p.peer, KeyAlgorithm.ML_DSA_87, now).orElseThrow() : null;
        int index = newIndex();
        byte[] ts;
        synchronized (lock) {
            Instant t = now.isAfter(lastTimestamp) ? now : lastTimestamp.plusNanos(1);
            lastTimestamp = t;
            ts = Handshakes.timestamp(t);
        }
        Handshakes.Initiator hs;
        try {
            byte[] sscached = mode == Mode.A ? staticStatic(peerStatic) : null;
            hs = Handshakes.Initiator.start(s, keys, mode, offered, preferred, index, p.peer, peerStatic, peerSig,
                    sscached, ts);
        } catch (HandshakeException e) {
            throw new B4aeException(e.reason(), "cannot start handshake with '" + p.peer + "': " + e.getMessage());
        }
        if (p.attempts == 0) {
            observer.handshakeStarted(mode.label(), true);
        }
        synchronized (p) {
            if (p.hs != null) {
                inits.remove(p.hs.index);
                p.hs.close();
            }
            p.hs = hs;
            p.dead = false;
            p.attempts++;
            p.resp = null;
            byte[] mac1Key = CookieGuard.mac1Key(s, peerStatic);
            p.datagrams = fragment(s, Wire.T_INIT, mode, index, 0, hs.body, mac1Key);
            p.mac1s = new byte[p.datagrams.length][];
            reMac2(s, p);
            inits.put(index, p);
            p.sentNanos = System.nanoTime();
        }
        sendAll(p.address, p.datagrams, -1);
    }

    /** Sets mac2 of the INIT datagrams from the cookie (if fresh) and records their mac1s. */
    private void reMac2(Suite s, PendingInit p) {
        boolean fresh = p.cookie != null
                && System.nanoTime() - p.cookieNanos < (settings.expirySeconds - 2) * 1_000_000_000L;
        for (int i = 0; i < p.datagrams.length; i++) {
            byte[] d = p.datagrams[i];
            int len = d.length;
            p.mac1s[i] = Bytes.slice(d, len - 32, 16);
            byte[] mac2 = fresh ? s.mac(CookieGuard.mac2Key(s, p.cookie), d, 0, len - 16) : new byte[16];
            System.arraycopy(mac2, 0, d, len - 16, 16);
        }
    }

    private byte[] staticStatic(RawPublicKey peerStatic) {
        return ssCache.computeIfAbsent(peerStatic, k -> {
            try {
                return keys.agree(k);
            } catch (Exception e) {
                throw new IllegalStateException("static-static DH failed", e);
            }
        });
    }

    /** Splits a handshake body into fragments with mac1 (and zero mac2), §3.1. */
    private byte[][] fragment(Suite s, int type, Mode mode, int sender, int receiver, byte[] body, byte[] mac1Key) {
        int chunk = settings.maxDatagram - Wire.HS_OVERHEAD;
        int count = (body.length + chunk - 1) / chunk;
        if (count > Wire.MAX_FRAGMENTS) {
            throw new IllegalStateException("handshake message of " + body.length + " bytes needs " + count
                    + " fragments at max_datagram_size " + settings.maxDatagram + "; raise it");
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

    private void sendAll(InetSocketAddress to, byte[][] datagrams, int onlyMask) {
        for (int i = 0; i < datagrams.length; i++) {
            if (onlyMask == -1 || (onlyMask & (1 << i)) != 0) {
                sendRaw(to, datagrams[i]);
            }
        }
    }

    private void sendRaw(InetSocketAddress to, byte[] d) {
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

    private int newIndex() {
        while (true) {
            int i = random.nextInt();
            if (i != 0 && !inits.containsKey(i) && !resps.containsKey(i) && !keypairs.containsKey(i)
                    && !unconfirmed.containsKey(i) && !finished.containsKey(i)) {
                return i;
            }
        }
    }

    // ------------------------------------------------------------------ receive path

    /** Entry point for every datagram from the transport. Never throws. */
    public void onDatagram(InetSocketAddress from, byte[] d, int len) {
        if (closed || len < 1 || len > d.length) {
            return;
        }
        try {
            switch (Bytes.u8(d, 0)) {
                case Wire.T_INIT -> onInit(from, d, len);
                case Wire.T_RESP -> onResp(from, d, len);
                case Wire.T_FINISH -> onFinish(from, d, len);
                case Wire.T_DATA -> onData(from, d, len);
                case Wire.T_COOKIE -> onCookie(from, d, len);
                case Wire.T_NACK -> onNack(from, d, len);
                default -> observer.datagramDropped("type");
            }
        } catch (RuntimeException e) {
            LOG.warn("B4AE datagram from {} dropped after an internal error", from, e);
            observer.datagramDropped("internal");
        }
    }

    boolean underLoad(boolean countThis) {
        boolean rate = countThis && guard.countInit();
        return settings.cookieAlways || rate || resps.size() > settings.maxPendingResponders / 2
                || reassemblyBytes.get() > settings.maxReassemblyBytes / 2;
    }

    private void onInit(InetSocketAddress from, byte[] d, int len) {
        Wire.Fragment f = Wire.Fragment.parse(d, len);
        if (f == null || f.receiverIndex() != 0) {
            observer.datagramDropped("malformed");
            return;
        }
        Suite s = suite;
        if (!Bytes.equalsAt(s.mac(ownMac1Key, d, 0, len - 32), d, len - 32)) {
            observer.dosAttemptBlocked("mac1");
            return;
        }
        if (underLoad(true) && !guard.mac2Valid(s, d, len, from)) {
            if (!Bytes.isZero(d, len - 16, 16)) {
                observer.invalidCookie();
            }
            if (len >= Wire.COOKIE_LEN) {
                sendRaw(from, guard.cookieReply(s, keys.x25519(), f.senderIndex(), d, len, from));
                observer.cookieChallengeSent();
            } else {
                observer.dosAttemptBlocked("cookie");
            }
            return;
        }
        byte[] body;
        if (f.count() == 1) {
            if (f.offset() != 0 || f.total() != f.chunkLength()) {
                observer.datagramDropped("fragment");
                return;
            }
            body = Bytes.slice(d, f.chunkOffset(), f.chunkLength());
        } else {
            body = reassembleInit(from, f, d);
            if (body == null) {
                return;
            }
        }
        processInit(s, from, f, body);
    }

    private byte[] reassembleInit(InetSocketAddress from, Wire.Fragment f, byte[] d) {
        PartialKey key = new PartialKey(from, f.senderIndex());
        long now = System.nanoTime();
        synchronized (lock) {
            Partial p = initPartials.get(key);
            if (p == null) {
                AtomicInteger perAddress = initPartialsPerAddress.computeIfAbsent(from, x -> new AtomicInteger());
                if (perAddress.get() >= 2) {
                    observer.dosAttemptBlocked("limits");
                    return null;
                }
                if (reassemblyBytes.get() + f.chunkLength() > settings.maxReassemblyBytes) {
                    observer.dosAttemptBlocked("limits");
                    return null;
                }
                p = new Partial(f, from, now);
                initPartials.put(key, p);
                perAddress.incrementAndGet();
            }
            if (reassemblyBytes.get() + f.chunkLength() > settings.maxReassemblyBytes) {
                observer.dosAttemptBlocked("limits");
                return null;
            }
            int added = p.add(f, d, now);
            if (added < 0) {
                dropInitPartial(key, p);
                observer.datagramDropped("fragment");
                return null;
            }
            reassemblyBytes.addAndGet(added);
            if (!p.complete()) {
                return null;
            }
            dropInitPartial(key, p);
            byte[] body = p.assemble();
            if (body == null) {
                observer.datagramDropped("fragment");
            }
            return body;
        }
    }

    private void dropInitPartial(PartialKey key, Partial p) {
        if (initPartials.remove(key, p)) {
            reassemblyBytes.addAndGet(-p.bytes());
            AtomicInteger c = initPartialsPerAddress.get(key.from());
            if (c != null && c.decrementAndGet() <= 0) {
                initPartialsPerAddress.remove(key.from());
            }
        }
    }

    private void processInit(Suite s, InetSocketAddress from, Wire.Fragment f, byte[] body) {
        if (body.length < 8 || Bytes.u8(body, 1) != f.mode() || Bytes.i32(body, 4) != f.senderIndex()) {
            observer.datagramDropped("malformed");
            return;
        }
        String modeLabel = f.mode() == 1 ? "A" : "B";
        byte[] digest = guard.replayDigest(s, body);
        if (guard.bloom.mightContain(digest)) {
            observer.dosAttemptBlocked("replay");
            return;
        }
        if (resps.size() >= settings.maxPendingResponders) {
            observer.dosAttemptBlocked("limits");
            return;
        }
        observer.handshakeStarted(modeLabel, false);
        long start = System.nanoTime();
        int index = newIndex();
        Instant now = Instant.now();
        Handshakes.Responder r;
        try {
            r = Handshakes.Responder.respond(s, keys, trust, now, body, index, Mode.mask(supported),
                    this::freshTimestamp, this::staticStatic);
        } catch (HandshakeException e) {
            if (settings.trustOnFirstUse && "unknown-peer".equals(e.reason()) && f.mode() == 1) {
                r = tofu(s, now, body, index);
                if (r == null) {
                    observer.handshakeFailed(modeLabel, false, e.reason(), String.valueOf(from));
                    return;
                }
            } else {
                observer.handshakeFailed(modeLabel, false, e.reason(), String.valueOf(from));
                LOG.debug("INIT from {} rejected: {}", from, e.getMessage());
                return;
            }
        }
        guard.bloom.add(digest);
        byte[] mac1Key = CookieGuard.mac1RespKey(s, Bytes.slice(body, 8, 32));
        byte[][] datagrams = fragment(s, Wire.T_RESP, r.mode, index, r.initiatorIndex, r.resp, mac1Key);
        if (r.mode == Mode.A) {
            Keypair kp = new Keypair(s, r.keys, index, r.initiatorIndex, false, System.nanoTime(), keyLimit());
            unconfirmed.put(index, new Unconfirmed(kp, r.peer, r.peerKey.fingerprint(), Mode.A, from, start,
                    System.nanoTime() + 10_000_000_000L, null));
            sendAll(from, datagrams, -1);
        } else {
            resps.put(index, new PendingResp(r, from, datagrams, System.nanoTime()));
            sendAll(from, datagrams, -1);
        }
    }

    private Handshakes.Responder tofu(Suite s, Instant now, byte[] body, int index) {
        // Learn the initiator's static key by decrypting enc_s as the handshake would, pin it, run again.
        try {
            SymmetricState ss = new SymmetricState(s, Handshakes.NAME_A);
            ss.mixHash(keys.x25519().encoded());
            ss.mixHash(body, 0, 8);
            ss.mixHash(Bytes.slice(body, 8, 32));
            ss.mixKey(keys.agree(Handshakes.x25519(Bytes.slice(body, 8, 32))));
            RawPublicKey si = Handshakes.x25519(ss.decryptAndHash(Bytes.slice(body, 40, 48)));
            String name = "tofu-" + si.fingerprint().substring(0, 16);
            trust.pin(name, si, now.minusSeconds(1));
            LOG.warn("Trust on first use: pinned X25519 key {} as peer '{}'", si, name);
            return Handshakes.Responder.respond(s, keys, trust, now, body, index, Mode.mask(supported),
                    this::freshTimestamp, this::staticStatic);
        } catch (Exception e) {
            return null;
        }
    }

    private boolean freshTimestamp(RawPublicKey key, byte[] ts) {
        synchronized (lastTimestamps) {
            byte[] last = lastTimestamps.get(key);
            if (last != null && Arrays.compareUnsigned(ts, last) <= 0) {
                return false;
            }
            lastTimestamps.put(key, ts.clone());
            return true;
        }
    }

    private long keyLimit() {
        return settings.rekeyAfterMessages + (1L << 16);
    }

    private void onResp(InetSocketAddress from, byte[] d, int len) {
        Wire.Fragment f = Wire.Fragment.parse(d, len);
        if (f == null) {
            observer.datagramDropped("malformed");
            return;
        }
        PendingInit p = inits.get(f.receiverIndex());
        if (p == null) {
            Finished done = finished.get(f.receiverIndex());
            if (done != null && done.respIndex() == f.senderIndex()) {
                sendAll(done.address(), done.datagrams(), -1); // our FINISH was lost: the responder repeats RESP
                return;
            }
            observer.datagramDropped("unknown-handshake");
            return;
        }
        Suite s = suite;
        byte[] body;
        synchronized (p) {
            if (p.done || p.dead || p.hs == null || p.hs.index != f.receiverIndex() || f.mode() != p.hs.mode.bit()) {
                observer.datagramDropped("unknown-handshake");
                return;
            }
            byte[] key = CookieGuard.mac1RespKey(s, p.hs.ephemeral());
            if (!Bytes.equalsAt(s.mac(key, d, 0, len - 32), d, len - 32)) {
                observer.datagramDropped("mac1");
                return;
            }
            if (f.count() == 1) {
                if (f.offset() != 0 || f.total() != f.chunkLength()) {
                    observer.datagramDropped("fragment");
                    return;
                }
                body = Bytes.slice(d, f.chunkOffset(), f.chunkLength());
            } else {
                if (p.resp == null) {
                    p.resp = new Partial(f, from, System.nanoTime());
                }
                int added = p.resp.add(f, d, System.nanoTime());
                if (added < 0) {
                    p.resp = null;
                    observer.datagramDropped("fragment");
                    return;
                }
                if (!p.resp.complete()) {
                    return;
                }
                body = p.resp.assemble();
                p.resp = null;
                if (body == null) {
                    observer.datagramDropped("fragment");
                    return;
                }
            }
            p.done = true;
        }
        Handshakes.Initiator hs = p.hs;
        Handshakes.Initiator.Done done;
        try {
            try {
                done = hs.onResponse(s, keys, body);
            } catch (RuntimeException e) {
                LOG.warn("RESP from {} failed on an internal error", from, e);
                throw new HandshakeException("internal", String.valueOf(e));
            }
        } catch (HandshakeException e) {
            observer.handshakeFailed(hs.mode.label(), true, e.reason(), p.peer);
            boolean permanent = switch (e.reason()) {
                case "downgrade", "signature", "mode", "custody" -> true;
                default -> false;
            };
            if (permanent) {
                inits.remove(hs.index);
                p.future.completeExceptionally(new B4aeException(e.reason(), "handshake with '" + p.peer
                        + "' failed: " + e.getMessage()));
            } else {
                synchronized (p) {
                    p.done = false; // possibly a forged RESP: the next (fresh) INIT may still succeed
                    p.dead = true;
                }
            }
            return;
        }
        inits.remove(hs.index);
        int respIndex = Bytes.i32(body, 4);
        Keypair kp = new Keypair(s, done.keys(), hs.index, respIndex, true, System.nanoTime(), keyLimit());
        if (done.finish() != null) {
            byte[][] fin = fragment(s, Wire.T_FINISH, hs.mode, hs.index, respIndex, done.finish(),
                    CookieGuard.mac1Key(s, hs.peerStatic));
            finished.put(hs.index, new Finished(respIndex, p.address, fin, System.nanoTime() + 10_000_000_000L));
            sendAll(p.address, fin, -1);
        }
        RawPublicKey peerKey = hs.mode == Mode.A ? hs.peerStatic : hs.peerSig;
        if (hs.mode == Mode.B) {
            // the responder has not yet accepted FINISH: wait for its first record (§5.4)
            kp.confirmed = false;
            long wait = (long) settings.handshakeRetryMs * (settings.handshakeAttempts + 1) * 1_000_000L;
            unconfirmed.put(hs.index, new Unconfirmed(kp, p.peer, peerKey.fingerprint(), Mode.B, p.address,
                    p.startedNanos, System.nanoTime() + wait, p));
            return;
        }
        B4aeSession session = install(kp, p.peer, peerKey.fingerprint(), hs.mode, true, p.address);
        observer.handshakeCompleted(hs.mode.label(), true, System.nanoTime() - p.startedNanos, p.peer);
        sealAndSend(session, kp, Wire.INNER_KEEPALIVE, new byte[0], -1); // key confirmation for the responder
        p.future.complete(session);
    }

    private void onFinish(InetSocketAddress from, byte[] d, int len) {
        Wire.Fragment f = Wire.Fragment.parse(d, len);
        if (f == null) {
            observer.datagramDropped("malformed");
            return;
        }
        PendingResp pr = resps.get(f.receiverIndex());
        if (pr == null || pr.r.initiatorIndex != f.senderIndex() || f.mode() != pr.r.mode.bit()) {
            observer.datagramDropped("unknown-handshake");
            return;
        }
        Suite s = suite;
        if (!Bytes.equalsAt(s.mac(ownMac1Key, d, 0, len - 32), d, len - 32)) {
            observer.dosAttemptBlocked("mac1");
            return;
        }
        byte[] body;
        synchronized (pr) {
            if (pr.finish == null) {
                if (reassemblyBytes.get() + f.total() > settings.maxReassemblyBytes) {
                    observer.dosAttemptBlocked("limits");
                    return;
                }
                pr.finish = new Partial(f, from, System.nanoTime());
            }
            int added = pr.finish.add(f, d, System.nanoTime());
            if (added < 0) {
                reassemblyBytes.addAndGet(-pr.finish.bytes());
                pr.finish = null;
                observer.datagramDropped("fragment");
                return;
            }
            reassemblyBytes.addAndGet(added);
            if (!pr.finish.complete()) {
                return;
            }
            body = pr.finish.assemble();
            reassemblyBytes.addAndGet(-pr.finish.bytes());
            pr.finish = null;
            if (body == null) {
                observer.datagramDropped("fragment");
                return;
            }
            if (resps.remove(f.receiverIndex()) == null) {
                return; // processed concurrently
            }
        }
        try {
            pr.r.onFinish(s, trust, Instant.now(), body);
        } catch (HandshakeException e) {
            observer.handshakeFailed(pr.r.mode.label(), false, e.reason(), String.valueOf(from));
            LOG.debug("FINISH from {} rejected: {}", from, e.getMessage());
            return;
        }
        Keypair kp = new Keypair(s, pr.r.keys, pr.r.index, pr.r.initiatorIndex, false, System.nanoTime(), keyLimit());
        kp.confirmed = true;
        B4aeSession session = install(kp, pr.r.peer, pr.r.peerKey.fingerprint(), pr.r.mode, false, from);
        sealAndSend(session, kp, Wire.INNER_KEEPALIVE, new byte[0], -1); // key confirmation for the initiator
        observer.handshakeCompleted(pr.r.mode.label(), false, System.nanoTime() - pr.startedNanos, pr.r.peer);
    }

    /** Puts confirmed keys into the peer's session (new session, or a rekey of the existing one). */
    private B4aeSession install(Keypair kp, String peer, String fingerprint, Mode mode, boolean initiator,
                                InetSocketAddress address) {
        keypairs.put(kp.localIndex, kp);
        B4aeSession created = null;
        B4aeSession s;
        Keypair retired = null;
        synchronized (lock) {
            s = sessions.get(peer);
            if (s != null && s.isOpen() && s.mode == mode) {
                retired = s.previous;
                s.previous = s.current;
                s.current = kp;
                kp.link = s;
                s.generation++;
                s.rekeying = false;
                s.address = address;
            } else {
                if (s != null && s.isOpen()) {
                    closeSession(s, false);
                }
                s = new B4aeSession(this, peer, fingerprint, mode, initiator, address, kp, settings.inboxLimit);
                sessions.put(peer, s);
                created = s;
            }
        }
        if (retired != null) {
            keypairs.remove(retired.localIndex);
        }
        if (created != null) {
            observer.sessionOpened(mode.label());
            if (!initiator) {
                acceptQueue.offer(created);
            }
        }
        return s;
    }

    private void onData(InetSocketAddress from, byte[] d, int len) {
        if (len < Wire.MIN_DATA || d[1] != 0 || d[2] != 0 || d[3] != 0) {
            observer.datagramDropped("malformed");
            return;
        }
        int index = Bytes.i32(d, 4);
        Keypair kp = keypairs.get(index);
        Unconfirmed u = null;
        if (kp == null) {
            u = unconfirmed.get(index);
            if (u == null) {
                observer.datagramDropped("unknown-session");
                return;
            }
            kp = u.keypair();
        }
        if (System.nanoTime() - kp.createdNanos > settings.rejectAfterSeconds * 1_000_000_000L) {
            observer.datagramDropped("expired");
            return;
        }
        byte[] pt = kp.open(d, len);
        if (pt == null) {
            observer.datagramDropped(kp.seen(Bytes.u64(d, 8)) ? "replay" : "auth");
            return;
        }
        int type = pt[0] & 0xff;
        int length = Bytes.u16(pt, 1);
        if (pt.length < Wire.INNER_HEADER || length > pt.length - Wire.INNER_HEADER || type > Wire.INNER_FRAGMENT
                || !Bytes.isZero(pt, Wire.INNER_HEADER + length, pt.length - Wire.INNER_HEADER - length)) {
            observer.datagramDropped("inner");
            return;
        }
        if (u != null && unconfirmed.remove(index, u)) {
            // §5.4: the first authenticated record from the peer confirms these keys
            kp.confirmed = true;
            boolean initiator = u.init() != null;
            B4aeSession session = install(kp, u.peer(), u.fingerprint(), u.mode(), initiator, from);
            observer.handshakeCompleted(u.mode().label(), initiator, System.nanoTime() - u.startedNanos(), u.peer());
            if (initiator) {
                u.init().future.complete(session);
            }
        }
        B4aeSession s = kp.link;
        if (s == null) {
            observer.datagramDropped("unknown-session");
            return;
        }
        s.address = from;
        observer.recordReceived(len, type == Wire.INNER_DUMMY);
        switch (type) {
            case Wire.INNER_DATA -> {
                s.received.incrementAndGet();
                if (!s.deliver(Bytes.slice(pt, Wire.INNER_HEADER, length))) {
                    observer.datagramDropped("inbox-full");
                }
            }
            case Wire.INNER_FRAGMENT -> {
                byte[] whole;
                try {
                    var r = s.reassembler();
                    synchronized (r) {
                        whole = r.accept(Bytes.slice(pt, Wire.INNER_HEADER, length), System.nanoTime());
                    }
                } catch (io.aethercore.b4ae.internal.padding.FragmentException e) {
                    observer.datagramDropped(e.reason());
                    return;
                }
                if (whole != null) {
                    s.received.incrementAndGet();
                    if (!s.deliver(whole)) {
                        observer.datagramDropped("inbox-full");
                    }
                }
            }
            case Wire.INNER_CLOSE -> closeSession(s, false);
            default -> { } // DUMMY and KEEPALIVE: authenticated, nothing to deliver
        }
    }

    private void onCookie(InetSocketAddress from, byte[] d, int len) {
        if (len != Wire.COOKIE_LEN) {
            observer.datagramDropped("malformed");
            return;
        }
        PendingInit p = inits.get(Bytes.i32(d, 4));
        if (p == null) {
            observer.datagramDropped("unknown-handshake");
            return;
        }
        Suite s = suite;
        synchronized (p) {
            if (p.done || p.dead || p.hs == null) {
                return;
            }
            byte[] cookie = CookieGuard.openCookieReply(s, p.hs.peerStatic, d, p.mac1s);
            if (cookie == null) {
                observer.invalidCookie();
                return;
            }
            p.cookie = cookie;
            p.cookieNanos = System.nanoTime();
            reMac2(s, p);
            p.sentNanos = System.nanoTime();
        }
        sendAll(p.address, p.datagrams, -1);
    }

    private void onNack(InetSocketAddress from, byte[] d, int len) {
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
            PendingInit p = inits.get(msgSender);
            if (p != null) {
                synchronized (p) {
                    datagrams = p.datagrams;
                    to = p.address;
                }
            }
        } else if (type == Wire.T_RESP) {
            PendingResp pr = resps.get(msgSender);
            if (pr != null) {
                datagrams = pr.datagrams;
                to = pr.address;
            }
        } else if (type == Wire.T_FINISH) {
            Finished f = finished.get(msgSender);
            if (f != null) {
                datagrams = f.datagrams();
                to = f.address();
            }
        }
        if (datagrams == null) {
            observer.datagramDropped("unknown-handshake");
            return;
        }
        // resend only what is missing, and only to the address of the handshake (§3.3)
        sendAll(to, datagrams, missing & ((1 << datagrams.length) - 1));
    }

    private void sendNack(InetSocketAddress to, int msgType, int msgSender, int ourIndex, int missing) {
        byte[] n = new byte[Wire.NACK_LEN];
        n[0] = Wire.T_NACK;
        n[1] = (byte) msgType;
        Bytes.put32(n, 4, msgSender);
        Bytes.put32(n, 8, ourIndex);
        Bytes.put16(n, 12, missing);
        sendRaw(to, n);
    }

    // ------------------------------------------------------------------ send path

    /** {@link SlotSink}: seals and sends one real message now. */
    @Override
    public void emit(OutboundMessage message) {
        Object target = message.session();
        int inner = Wire.INNER_DATA;
        if (target instanceof FragmentOf f) {
            target = f.session();
            inner = Wire.INNER_FRAGMENT;
        }
        if (!(target instanceof B4aeSession s) || !s.isOpen()) {
            observer.datagramDropped("closed");
            return;
        }
        Keypair kp = s.current;
        if (System.nanoTime() - kp.createdNanos > settings.rejectAfterSeconds * 1_000_000_000L) {
            observer.datagramDropped("expired");
            maybeRekey(s, kp);
            return;
        }
        if (sealAndSend(s, kp, inner, message.payload(), -1) && inner == Wire.INNER_DATA) {
            s.sent.incrementAndGet();
        }
    }

    /**
     * Wraps a session in an {@link OutboundMessage} whose payload is one fragment of a longer message
     * (padding.Splitter format): {@link #emit} seals it with inner type FRAGMENT, the receiving session
     * reassembles it within hard limits and delivers the whole message.
     */
    public record FragmentOf(Object session) { }

    /** {@link SlotSink}: one DUMMY record of {@code paddedSize} plaintext bytes on some open session. */
    @Override
    public boolean emitDummy(int paddedSize) {
        List<B4aeSession> open = new ArrayList<>();
        for (B4aeSession s : sessions.values()) {
            if (s.isOpen()) {
                open.add(s);
            }
        }
        if (open.isEmpty()) {
            return false;
        }
        B4aeSession s = open.get(Math.floorMod(dummyCursor++, open.size()));
        return sealAndSend(s, s.current, Wire.INNER_DUMMY, new byte[0], paddedSize);
    }

    private boolean sealAndSend(B4aeSession s, Keypair kp, int inner, byte[] content, int forcedSize) {
        int min = Wire.INNER_HEADER + content.length;
        int size = forcedSize >= min ? forcedSize : Math.max(min, padding.applyAsInt(min));
        size = Math.min(size, Math.max(min, Wire.INNER_HEADER + Wire.MAX_CONTENT));
        byte[] pt = new byte[size];
        pt[0] = (byte) inner;
        Bytes.put16(pt, 1, content.length);
        System.arraycopy(content, 0, pt, Wire.INNER_HEADER, content.length);
        byte[] rec = kp.seal(pt);
        if (rec == null) {
            observer.datagramDropped("counter");
            maybeRekey(s, kp);
            return false;
        }
        if (kp.sent() >= settings.rekeyAfterMessages) {
            maybeRekey(s, kp);
        }
        sendRaw(s.address, rec);
        observer.recordSent(rec.length, inner == Wire.INNER_DUMMY);
        return true;
    }

    private void maybeRekey(B4aeSession s, Keypair kp) {
        synchronized (lock) {
            if (s.rekeying || !s.isOpen() || s.current != kp) {
                return;
            }
            s.rekeying = true;
        }
        timer.execute(() -> {
            PendingInit p = new PendingInit(s.peer, s.address, s.mode, new CompletableFuture<>());
            p.future.whenComplete((x, e) -> s.rekeying = false);
            try {
                startInit(p);
            } catch (B4aeException e) {
                s.rekeying = false;
                LOG.warn("Rekey with '{}' could not start: {}", s.peer, e.getMessage());
            }
        });
    }

    void closeSession(B4aeSession s, boolean notify) {
        synchronized (lock) {
            if (!s.isOpen()) {
                return;
            }
            s.markClosed();
            sessions.remove(s.peer, s);
        }
        if (notify) {
            sealAndSend(s, s.current, Wire.INNER_CLOSE, new byte[0], -1);
        }
        for (Keypair k : new Keypair[] {s.current, s.previous}) {
            if (k != null) {
                keypairs.remove(k.localIndex);
            }
        }
        observer.sessionClosed(s.mode.label());
    }

    // ------------------------------------------------------------------ timers

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("B4AE timer task failed", e);
        }
    }

    private void tick() {
        long now = System.nanoTime();
        long retry = settings.handshakeRetryMs * 1_000_000L;
        // initiator: new INIT after the retry time, fail after the attempts
        for (PendingInit p : List.copyOf(inits.values())) {
            try {
                tickInit(p, now, retry);
            } catch (RuntimeException e) {
                LOG.warn("Handshake with '{}' failed on an internal error", p.peer, e);
                inits.values().remove(p);
                p.future.completeExceptionally(new B4aeException("internal", "handshake failed: " + e));
            }
        }
        tickRest(now, retry);
    }

    private void tickInit(PendingInit p, long now, long retry) {
        {
            boolean resend = false;
            boolean fail = false;
            synchronized (p) {
                if (p.done) {
                    return;
                }
                if (p.resp != null && now - p.resp.lastNanos > settings.fragmentNackMs * 1_000_000L && p.resp.nacks < 3) {
                    p.resp.nacks++;
                    p.resp.lastNanos = now;
                    sendNack(p.address, Wire.T_RESP, p.resp.senderIndex, p.hs.index, p.resp.missing());
                }
                if (now - p.sentNanos >= retry) {
                    if (p.attempts >= settings.handshakeAttempts) {
                        fail = true;
                    } else {
                        resend = true;
                    }
                }
            }
            if (fail) {
                inits.remove(p.hs.index);
                p.hs.close();
                observer.handshakeFailed(p.hs.mode.label(), true, "timeout", p.peer);
                p.future.completeExceptionally(new B4aeException("timeout", "no answer from '" + p.peer + "' at "
                        + p.address + " after " + p.attempts + " attempts; check the address, the firewall (udp) and"
                        + " that the peer pins this node's key"));
            } else if (resend) {
                try {
                    startInit(p);
                } catch (B4aeException e) {
                    inits.remove(p.hs.index);
                    p.future.completeExceptionally(e);
                }
            }
        }
    }

    private void tickRest(long now, long retry) {
        // responder: resend RESP while FINISH is missing, NACK partial FINISH, expire
        for (Map.Entry<Integer, PendingResp> e : List.copyOf(resps.entrySet())) {
            PendingResp pr = e.getValue();
            synchronized (pr) {
                if (now - pr.startedNanos > 10_000_000_000L) {
                    if (resps.remove(e.getKey(), pr)) {
                        if (pr.finish != null) {
                            reassemblyBytes.addAndGet(-pr.finish.bytes());
                        }
                        observer.handshakeFailed(pr.r.mode.label(), false, "timeout", pr.r.peer);
                    }
                    continue;
                }
                if (pr.finish != null && now - pr.finish.lastNanos > settings.fragmentNackMs * 1_000_000L
                        && pr.finish.nacks < 3) {
                    pr.finish.nacks++;
                    pr.finish.lastNanos = now;
                    sendNack(pr.address, Wire.T_FINISH, pr.r.initiatorIndex, pr.r.index, pr.finish.missing());
                } else if (pr.finish == null && now - pr.sentNanos > retry && pr.resends < 3) {
                    pr.resends++;
                    pr.sentNanos = now;
                    sendAll(pr.address, pr.datagrams, -1);
                }
            }
        }
        finished.entrySet().removeIf(e -> now > e.getValue().untilNanos());
        for (Map.Entry<Integer, Unconfirmed> e : List.copyOf(unconfirmed.entrySet())) {
            Unconfirmed u = e.getValue();
            if (now - u.expiresNanos() > 0 && unconfirmed.remove(e.getKey(), u)) {
                observer.handshakeFailed(u.mode().label(), u.init() != null, "unconfirmed", u.peer());
                if (u.init() != null) {
                    u.init().future.completeExceptionally(new B4aeException("unconfirmed", "'" + u.peer()
                            + "' never confirmed the Mode B session: it refused this node's FINISH (is this node's"
                            + " ML-DSA-87 key pinned there?) or the path dropped it"));
                }
            }
        }
        // INIT reassembly: NACK idle partials, expire after 3 s
        synchronized (lock) {
            for (Map.Entry<PartialKey, Partial> e : List.copyOf(initPartials.entrySet())) {
                Partial p = e.getValue();
                if (now - p.lastNanos > 3_000_000_000L || p.nacks >= 3 && now - p.lastNanos > 1_000_000_000L) {
                    dropInitPartial(e.getKey(), p);
                } else if (now - p.lastNanos > settings.fragmentNackMs * 1_000_000L && p.nacks < 3) {
                    p.nacks++;
                    sendNack(p.from, Wire.T_INIT, p.senderIndex, 0, p.missing());
                }
            }
        }
        // sessions: rekey by time, retire old keys
        long rekeyAfter = settings.rekeyAfterSeconds * 1_000_000_000L;
        long rejectAfter = settings.rejectAfterSeconds * 1_000_000_000L;
        for (B4aeSession s : List.copyOf(sessions.values())) {
            Keypair cur = s.current;
            long age = now - cur.createdNanos;
            if (age > rekeyAfter + (cur.initiator ? 0 : 10_000_000_000L)) {
                maybeRekey(s, cur);
            }
            Keypair prev = s.previous;
            if (prev != null && now - prev.createdNanos > rejectAfter) {
                s.previous = null;
                keypairs.remove(prev.localIndex);
            }
        }
    }

    // ------------------------------------------------------------------ inspection (tests, console)

    /** Counts of state kept, to check that hostile input does not grow it. */
    public record StateSize(int pendingInits, int pendingResponders, int unconfirmed, int initPartials,
                            int reassemblyBytes, int sessions, int keypairs) {}

    public StateSize stateSize() {
        return new StateSize(inits.size(), resps.size(), unconfirmed.size(), initPartials.size(),
                reassemblyBytes.get(), sessions.size(), keypairs.size());
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        closed = true;
        for (B4aeSession s : List.copyOf(sessions.values())) {
            closeSession(s, true);
        }
        setTransport(null);
        timer.shutdownNow();
        for (PendingInit p : inits.values()) {
            p.future.completeExceptionally(new B4aeException("closed", "the B4AE channel was stopped"));
        }
        inits.clear();
        resps.clear();
    }

    /** Waits for a future with a timeout, for callers that need one. */
    static <T> T await(CompletableFuture<T> f, Duration d) throws InterruptedException, ExecutionException, TimeoutException {
        return f.get(d.toNanos(), TimeUnit.NANOSECONDS);
    }
}
