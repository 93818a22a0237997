package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.DatagramTransport;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.crypto.AeadService;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.KdfService;
import io.aethercore.api.crypto.KemService;
import io.aethercore.api.crypto.KeyAgreementService;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OSGi side of one B4AE endpoint, shared by {@link B4aeComponent} (the node's main endpoint) and
 * {@link B4aeNodeComponent} (extra endpoints). Registrar pattern (docs/platform.md): the trust store is
 * published at once; {@link SecureChannel} only once the crypto providers and a key custody are bound and
 * the identity keys exist. Provider swaps hand the engine a new {@link Suite}; transport swaps re-attach it.
 */
final class ChannelHost {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelHost.class);

    private final BundleContext context;
    private volatile B4aeSettings settings;
    private final PinnedTrustStore trust;
    private final CryptoProviders crypto = new CryptoProviders();
    private final Map<KeyCustody, Map<String, Object>> custodies = new ConcurrentHashMap<>();
    private final Map<DatagramTransport, Map<String, Object>> transports = new ConcurrentHashMap<>();
    private final List<ProtocolObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile MetadataHooks hooks;
    private B4aeEngine engine;                                     // guarded by this
    private UdpTransport own;                                       // guarded by this
    private ServiceRegistration<?> channelRegistration;            // guarded by this
    private ServiceRegistration<?> trustRegistration;              // guarded by this
    private boolean active;                                        // guarded by this
    private Map<String, java.util.Set<io.aethercore.api.crypto.RawPublicKey>> configured = Map.of(); // by this
    private final FirstSeenStore firstSeen;
    private java.util.concurrent.ScheduledExecutorService maintenance;   // guarded by this
    private final java.util.concurrent.atomic.AtomicLong cookieRotations = new java.util.concurrent.atomic.AtomicLong();
    private final LearnedKeys learned;                              // null: the file did not parse
    private final String learnedProblem;
    private EndpointRotation rotation;                              // guarded by this

    ChannelHost(BundleContext context, B4aeSettings settings) {
        this.context = context;
        this.settings = settings;
        this.trust = new PinnedTrustStore(Duration.ofDays(settings.keyRotationDays()),
                Duration.ofDays(settings.keyOverlapDays()));
        this.firstSeen = new FirstSeenStore(stateFile(context, settings));
        String[] problem = new String[1];
        this.learned = LearnedKeys.loadOrExplain(LearnedKeys.file(stateDir(context, settings), settings.name()), problem);
        this.learnedProblem = problem[0];
        synchronized (this) {
            applyPeers(settings);
        }
    }

    /**
     * Where the first-seen times live: {@code keys.storage_path} when given, else the node's data directory
     * ({@code ${karaf.data}/b4ae/<name>/}); without either (a plain JVM) in memory only.
     */
    static java.nio.file.Path stateFile(BundleContext context, B4aeSettings s) {
        String dir = s.stateDir();
        if (dir.isEmpty()) {
            String data = context == null ? null : context.getProperty("karaf.data");
            if (data == null || data.isBlank()) {
                return null;
            }
            dir = java.nio.file.Path.of(data, "b4ae", s.name()).toString();
        }
        return java.nio.file.Path.of(dir, "first-seen-" + s.name() + ".txt");
    }

    /** The directory of the endpoint's state files (first-seen times, key generation, learned keys), or null. */
    static java.nio.file.Path stateDir(BundleContext context, B4aeSettings s) {
        java.nio.file.Path f = stateFile(context, s);
        return f == null ? null : f.getParent();
    }

    synchronized void activate() {
        active = true;
        scheduleCookieRotation(settings);
        if (context != null) {
            Dictionary<String, Object> p = new Hashtable<>();
            p.put(SecureChannel.NODE, settings.name());
            p.put(SecureChannel.MAIN, !settings.ownTransport());
            trustRegistration = context.registerService(TrustStore.class, trust, p);
        }
        tryStart();
    }

    /**
     * Pins the configured peers and, for a change, revokes what the configuration no longer holds (issue 17
     * item 6): a peer whose entry is gone is removed from the trust store and its session closed at once; a key
     * dropped from an entry is unpinned and a session made under it closed. Only what an earlier configuration
     * pinned is revoked: keys pinned through the {@link TrustStore} service (enrollment, the console) stay.
     */
    private void applyPeers(B4aeSettings s) {
        Map<String, java.util.Set<io.aethercore.api.crypto.RawPublicKey>> now = new java.util.HashMap<>();
        java.time.Instant at = java.time.Instant.now();
        for (String entry : s.peers()) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            try {
                PeerSpec p = PeerSpec.parse(entry);
                trust.pin(p.name(), p.x25519(), validFrom(p, p.x25519(), at));
                java.util.Set<io.aethercore.api.crypto.RawPublicKey> keys = new java.util.HashSet<>();
                keys.add(p.x25519());
                if (p.mldsa() != null) {
                    trust.pin(p.name(), p.mldsa(), validFrom(p, p.mldsa(), at));
                    keys.add(p.mldsa());
                }
                now.computeIfAbsent(p.name(), n -> new java.util.HashSet<>()).addAll(keys);
                if (p.address() != null) {
                    trust.setAddress(p.name(), p.address());
                }
                B4aeEngine e = engine;
                if (e != null) {
                    e.setPeerModes(p.name(), p.modes());
                }
            } catch (RuntimeException e) {
                LOG.error("B4AE peers entry ignored: {}", e.getMessage());
            }
        }
        for (Map.Entry<String, java.util.Set<io.aethercore.api.crypto.RawPublicKey>> old : configured.entrySet()) {
            String peer = old.getKey();
            java.util.Set<io.aethercore.api.crypto.RawPublicKey> kept = now.getOrDefault(peer, java.util.Set.of());
            boolean revoked = !now.containsKey(peer) && learned != null && learned.forget(peer, trust);
            for (io.aethercore.api.crypto.RawPublicKey k : old.getValue()) {
                if (!kept.contains(k) && trust.unpin(peer, k)) {
                    revoked = true;
                }
                if (!kept.contains(k) && engine != null) {
                    engine.forgetStatic(k);
                }
            }
            if (!now.containsKey(peer) && trust.keys(peer).isEmpty()) {
                trust.remove(peer);                               // nothing pinned otherwise: forget the address too
            }
            B4aeEngine e = engine;
            if (revoked && e != null) {
                if (!now.containsKey(peer)) {
                    e.setPeerModes(peer, null);
                }
                int closed = e.revoke(peer);
                LOG.warn("B4AE '{}': peer '{}' {} by a configuration change; {} session(s) closed", s.name(), peer,
                        now.containsKey(peer) ? "had keys unpinned" : "removed", closed);
            }
        }
        configured = now;
        if (learned != null) {
            learned.reconcile(now.keySet(), trust);
        }
    }

    /** The entry's valid_from, else when this endpoint first saw the key (persisted). */
    private java.time.Instant validFrom(PeerSpec p, io.aethercore.api.crypto.RawPublicKey key, java.time.Instant at) {
        return p.validFrom() != null ? p.validFrom() : firstSeen.firstSeen(key, at);
    }

    /** Configuration changed: secret, modes and peers apply at once; sessions stay. */
    synchronized void modified(B4aeSettings s) {
        B4aeSettings old = this.settings;
        this.settings = s;
        trust.setPolicy(Duration.ofDays(s.keyRotationDays()), Duration.ofDays(s.keyOverlapDays()));
        if (active && old.cookieRotationHours() != s.cookieRotationHours()) {
            scheduleCookieRotation(s);
        }
        applyPeers(s);
        if (rotation != null) {
            rotation.modified(old, s);
        }
        if (engine != null) {
            engine.setSupported(s.supported());
            engine.reconfigure(s);
            engine.setMetadataRequired(metadataRequired(s));
            if (!java.util.Arrays.equals(old.cookieSecret(), s.cookieSecret())) {
                engine.setCookieSecret(s.cookieSecret()); // the old secret stays valid for 2 x expiry
                LOG.info("B4AE cookie secret rotated; the previous one is honoured for {} s", 2 * s.expirySeconds());
            }
            selectTransport();
        }
    }

    /**
     * The B4AE document's hardening section: a fresh cookie secret every {@code cookie_challenge.rotation_hours}
     * (24 by default; 0: never). The previous secret stays valid for 2 x expiry, so no handshake in flight fails.
     */
    private void scheduleCookieRotation(B4aeSettings s) {
        if (maintenance != null) {
            maintenance.shutdownNow();
            maintenance = null;
        }
        long hours = s.cookieRotationHours();
        if (hours <= 0) {
            return;
        }
        maintenance = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "b4ae-maintenance-" + s.name());
            t.setDaemon(true);
            return t;
        });
        maintenance.scheduleAtFixedRate(this::rotateCookieSecret, hours, hours, java.util.concurrent.TimeUnit.HOURS);
    }

    /** Replaces the cookie secret with a fresh random one now (the scheduled rotation); false without an engine. */
    boolean rotateCookieSecret() {
        B4aeEngine e;
        synchronized (this) {
            e = engine;
        }
        if (e == null) {
            return false;
        }
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        e.setCookieSecret(fresh);
        java.util.Arrays.fill(fresh, (byte) 0);
        cookieRotations.incrementAndGet();
        LOG.info("B4AE '{}' cookie secret rotated (every {} h); the previous one is honoured for {} s",
                settings.name(), settings.cookieRotationHours(), 2 * settings.expirySeconds());
        return true;
    }

    long cookieRotations() {
        return cookieRotations.get();
    }

    // ---------------------------------------------------------------- crypto providers (all DYNAMIC, GREEDY)

    CryptoProviders crypto() {
        return crypto;
    }


    void bindHash(HashService s, Map<String, Object> p) {
        crypto.bindHash(s, p);
        cryptoChanged();
    }

    void unbindHash(HashService s) {
        crypto.unbindHash(s);
        cryptoChanged();
    }

    void bindKdf(KdfService s, Map<String, Object> p) {
        crypto.kdfs().bind(s, p);
        cryptoChanged();
    }

    void unbindKdf(KdfService s) {
        crypto.kdfs().unbind(s);
        cryptoChanged();
    }

    void bindAead(AeadService s, Map<String, Object> p) {
        crypto.aeads().bind(s, p);
        cryptoChanged();
    }

    void unbindAead(AeadService s) {
        crypto.aeads().unbind(s);
        cryptoChanged();
    }

    void bindDh(KeyAgreementService s, Map<String, Object> p) {
        crypto.dhs().bind(s, p);
        cryptoChanged();
    }

    void unbindDh(KeyAgreementService s) {
        crypto.dhs().unbind(s);
        cryptoChanged();
    }

    void bindKem(KemService s, Map<String, Object> p) {
        crypto.kems().bind(s, p);
        cryptoChanged();
    }

    void unbindKem(KemService s) {
        crypto.kems().unbind(s);
        cryptoChanged();
    }

    void bindSig(SignatureService s, Map<String, Object> p) {
        crypto.sigs().bind(s, p);
        cryptoChanged();
    }

    void unbindSig(SignatureService s) {
        crypto.sigs().unbind(s);
        cryptoChanged();
    }

    // ---------------------------------------------------------------- bindings

    void bindCustody(KeyCustody c, Map<String, Object> props) {
        custodies.put(c, props);
        tryStart();
    }

    void unbindCustody(KeyCustody c) {
        custodies.remove(c);
    }

    void bindTransport(DatagramTransport t, Map<String, Object> props) {
        transports.put(t, props);
        selectTransport();
    }

    void unbindTransport(DatagramTransport t) {
        transports.remove(t);
        selectTransport();
    }

    void bindObserver(ProtocolObserver o) {
        observers.add(o);
        applyObservers();
    }

    void unbindObserver(ProtocolObserver o) {
        observers.remove(o);
        applyObservers();
    }

    synchronized void bindHooks(MetadataHooks h) {
        MetadataHooks old = hooks;
        hooks = h;
        if (engine != null) {
            if (old != null) {
                old.detach(engine);
            }
            applyHooks(engine, h);
        }
    }

    synchronized void unbindHooks(MetadataHooks h) {
        if (hooks == h) {
            hooks = null;
            if (engine != null) {
                h.detach(engine);
                applyHooks(engine, null);
            }
        }
    }

    /**
     * What this endpoint takes from the node's other parts ({@link NodeWiring}): every observer, and the
     * metadata hooks when {@code metadata} (the main endpoint only).
     */
    NodeWiring.Listener partsListener(boolean metadata) {
        return new NodeWiring.Listener() {
            @Override public void observerAdded(ProtocolObserver o) { bindObserver(o); }
            @Override public void observerRemoved(ProtocolObserver o) { unbindObserver(o); }
            @Override public void hooksBound(MetadataHooks h) {
                if (metadata) {
                    bindHooks(h);
                }
            }
            @Override public void hooksUnbound(MetadataHooks h) {
                if (metadata) {
                    unbindHooks(h);
                }
            }
        };
    }

    private static void applyHooks(B4aeEngine e, MetadataHooks h) {
        e.setPadding(h == null ? null : h.padding());
        e.setOutbound(h == null ? null : h.attach(e));
    }

    private synchronized void applyObservers() {
        if (engine != null) {
            engine.setObserver(observers.isEmpty() ? ProtocolObserver.NONE
                    : observers.size() == 1 ? observers.get(0) : new CompositeObserver(observers));
        }
    }

    /**
     * Whether this endpoint may send only through the metadata layer: the main endpoint (the one the scheduler
     * attaches to) with {@code global_scheduler.constant_rate} on.
     */
    static boolean metadataRequired(B4aeSettings s) {
        return !s.ownTransport() && s.document() != null && s.document().scheduler() != null
                && s.document().scheduler().constantRate();
    }

    /** After any crypto binding change: start, or hand the running engine the best complete suite. */
    synchronized void cryptoChanged() {
        if (engine == null) {
            tryStart();
            return;
        }
        Suite s = crypto.suite();
        if (s != null) {
            engine.setSuite(s);
        }
    }

    private KeyCustody custodyFor(KeyAlgorithm alg, String wantedName) {
        return CustodyChoice.best(custodies, alg, wantedName);
    }

    private String lacking(String name, KeyAlgorithm alg) {
        return CustodyChoice.lacking(custodies.keySet(), name, alg);
    }

    private synchronized void tryStart() {
        if (!active || engine != null) {
            return;
        }
        B4aeSettings cfg = settings;
        Suite s = crypto.suite();
        if (s == null) {
            LOG.info("B4AE '{}' waits for crypto providers (BLAKE3, HKDF-SHA256, ChaCha20-Poly1305, X25519):"
                    + " feature:install aethercore-crypto", cfg.name());
            return;
        }
        KeyCustody dhCustody = custodyFor(KeyAlgorithm.X25519, cfg.x25519Custody());
        if (dhCustody == null) {
            LOG.info("B4AE '{}' waits for a key custody that does X25519 ({}){}", cfg.name(),
                    cfg.x25519Custody().isEmpty() ? "any" : cfg.x25519Custody(), lacking(cfg.x25519Custody(), KeyAlgorithm.X25519));
            return;
        }
        KeyCustody sigCustody = null;
        if (cfg.supported().contains(Mode.B)) {
            sigCustody = custodyFor(KeyAlgorithm.ML_DSA_87, cfg.mldsaCustody());
            if (sigCustody == null) {
                LOG.info("B4AE '{}' waits for a key custody that does ML-DSA-87 for Mode B ({}){}", cfg.name(),
                        cfg.mldsaCustody().isEmpty() ? "any" : cfg.mldsaCustody(), lacking(cfg.mldsaCustody(), KeyAlgorithm.ML_DSA_87));
                return;
            }
            if (!sigCustody.kind().hardware()) {
                LOG.info("B4AE '{}': the Mode B ML-DSA-87 key lives in custody '{}' ({}); no hardware custody"
                        + " serving ML-DSA-87 is present (PKCS#11 tokens such as SoftHSM2 have no ML-DSA mechanism)",
                        cfg.name(), sigCustody.name(), sigCustody.kind().id());
            }
        }
        if (learned == null) {
            LOG.error("B4AE '{}' cannot start: {}", cfg.name(), learnedProblem);
            return;
        }
        try {
            java.nio.file.Path dir = stateDir(context, cfg);
            KeyGeneration generation = KeyRotation.load(EndpointRotation.generationFile(dir, cfg), java.time.Clock.systemUTC());
            KeyRotation.KeyFactory factory = EndpointRotation.factory(dhCustody, sigCustody, cfg);
            StaticKeys keys = factory.create(generation.generation());
            B4aeEngine e = new B4aeEngine(s, keys, trust, cfg, new SecureRandom());
            e.announcements().setLearned(learned);
            rotation = EndpointRotation.start(e, factory, dir, generation, cfg, () -> settings);
            e.setNodeName(cfg.name());
            engine = e;
            e.setMetadataRequired(metadataRequired(cfg));
            applyPeers(cfg);
            applyObservers();
            if (hooks != null) {
                applyHooks(e, hooks);
            }
            if (cfg.ownTransport()) {
                own = new UdpTransport(UdpTransport.parse(cfg.listenAddress()));
                e.setTransport(own);
            } else {
                selectTransport();
            }
            LOG.info("B4AE '{}' ready: modes {}, keys {}; transport {}; pin this node on peers with: {}", cfg.name(),
                    e.supportedModes(), keys.describe(), e.transport(),
                    PeerSpec.describe(cfg.name(), e.localAddress(), keys));
            if (context != null) {
                Dictionary<String, Object> p = new Hashtable<>();
                p.put(SecureChannel.NODE, cfg.name());
                p.put(SecureChannel.MAIN, !cfg.ownTransport());
                channelRegistration = context.registerService(SecureChannel.class, e, p);
            }
        } catch (Exception ex) {
            LOG.error("B4AE '{}' cannot start: {}", cfg.name(), ex.getMessage(), ex);
            rotation = EndpointRotation.stop(rotation);
            if (engine != null) {
                engine.close();
                engine = null;
            }
        }
    }

    /** Attaches the configured transport, else the highest-ranked one; detaches when none is left. */
    private synchronized void selectTransport() {
        B4aeEngine e = engine;
        if (e == null || settings.ownTransport()) {
            return;
        }
        String wanted = settings.transport();
        DatagramTransport best = null;
        int bestRank = Integer.MIN_VALUE;
        for (Map.Entry<DatagramTransport, Map<String, Object>> t : transports.entrySet()) {
            if (!wanted.isEmpty() && !wanted.equals(t.getKey().name())) {
                continue;
            }
            Object r = t.getValue().get(Constants.SERVICE_RANKING);
            int rank = r instanceof Integer i ? i : 0;
            if (best == null || rank > bestRank) {
                best = t.getKey();
                bestRank = rank;
            }
        }
        if (best != e.transport()) {
            LOG.info("B4AE '{}' transport: {} -> {}", settings.name(), e.transport(), best);
            e.setTransport(best);
        }
    }

    synchronized KeyRotation rotation() {
        return rotation == null ? null : rotation.rotation();
    }

    synchronized B4aeEngine engine() {
        return engine;
    }

    PinnedTrustStore trust() {
        return trust;
    }

    synchronized void deactivate() {
        active = false;
        if (maintenance != null) {
            maintenance.shutdownNow();
            maintenance = null;
        }
        rotation = EndpointRotation.stop(rotation);
        unregister(channelRegistration);
        unregister(trustRegistration);
        channelRegistration = null;
        trustRegistration = null;
        if (engine != null) {
            if (hooks != null) {
                hooks.detach(engine);
            }
            engine.close();
            engine = null;
        }
        if (own != null) {
            own.close();
            own = null;
        }
    }

    private static void unregister(ServiceRegistration<?> r) {
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException ignored) {
                // already gone with the bundle
            }
        }
    }
}
