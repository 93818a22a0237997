package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every part of one engine shares (wireguard-go's {@code Device} fields): the node's keys and trust
 * store, the current crypto {@link Suite}, settings, supported modes and observer (each swappable at run
 * time), the cookie guard, and the static-static DH cache. Reads are lock-free; each part reads a value
 * once per operation.
 */
final class EngineContext {

    /** The node's identity keys: the current generation, and the previous one during its overlap (rotation). */
    private volatile StaticKeys keys;
    private volatile int generation;
    private volatile StaticKeys previous;
    private volatile byte[] previousMac1Key;
    private final TrustStore trust;
    private final SecureRandom random;
    private final CookieGuard guard;
    private volatile byte[] ownMac1Key;
    /** At most this many cached static-static secrets; the least recently used one is wiped and dropped. */
    static final int SS_CACHE_LIMIT = 4096;
    /** DH(local static, peer static), keyed by both public keys (two local generations during an overlap). */
    private record SsKey(RawPublicKey local, RawPublicKey peer) { }
    private final Map<SsKey, byte[]> ssCache = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SsKey, byte[]> eldest) {
            if (size() > SS_CACHE_LIMIT) {
                java.util.Arrays.fill(eldest.getValue(), (byte) 0);
                return true;
            }
            return false;
        }
    };
    private final Map<String, Set<Mode>> peerModes = new ConcurrentHashMap<>();
    private volatile Suite suite;
    private volatile B4aeSettings settings;
    private volatile Set<Mode> supported;
    private volatile ProtocolObserver observer = ProtocolObserver.NONE;

    EngineContext(Suite suite, StaticKeys keys, TrustStore trust, B4aeSettings settings, SecureRandom random) {
        this.suite = Objects.requireNonNull(suite, "suite");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.trust = Objects.requireNonNull(trust, "trust");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = random;
        if (settings.maxDatagram() < Wire.MIN_DATAGRAM_SIZE) {
            throw new IllegalArgumentException("max_datagram_size must be at least " + Wire.MIN_DATAGRAM_SIZE);
        }
        Set<Mode> s = settings.supported();
        if (keys.mldsa() == null) {
            s.remove(Mode.B);
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("no supported mode left (Mode B needs an ML-DSA-87 key)");
        }
        this.supported = s;
        this.guard = new CookieGuard(settings.cookieSecret(), settings.bloomFilterSize(), settings.expirySeconds(),
                settings.underLoadInitsPerSecond(), random, System::currentTimeMillis, System::nanoTime);
        this.ownMac1Key = CookieGuard.mac1Key(suite, keys.x25519());
    }

    StaticKeys keys() {
        return keys;
    }

    /** The generation of {@link #keys()} (0 until the node's first rotation). */
    int generation() {
        return generation;
    }

    /** The previous generation's keys while their overlap lasts, else null. */
    StaticKeys previousKeys() {
        return previous;
    }

    /**
     * The identity a handshake datagram is addressed to, found by its mac1 (§3.1, keyed by the responder's X25519
     * key): the current generation, else the previous one during its overlap; null when neither matches.
     */
    StaticKeys addressed(Suite s, byte[] d, int len) {
        if (Bytes.equalsAt(s.mac(ownMac1Key, d, 0, len - 32), d, len - 32)) {
            return keys;
        }
        StaticKeys p = previous;
        byte[] pk = previousMac1Key;
        if (p != null && pk != null && Bytes.equalsAt(s.mac(pk, d, 0, len - 32), d, len - 32)) {
            return p;
        }
        return null;
    }

    /**
     * Rotation: {@code next} becomes the current generation, the current one the previous (accepted by the
     * responder until {@link #dropPrevious()}). Returns the generation that was previous before, now dropped
     * (null when there was none); the caller destroys it.
     */
    synchronized StaticKeys install(StaticKeys next, int nextGeneration) {
        if ((next.mldsa() == null) != (keys.mldsa() == null)) {
            throw new IllegalArgumentException("the new generation must have the same key types as the current one");
        }
        StaticKeys dropped = previous;
        previous = keys;
        previousMac1Key = ownMac1Key;
        keys = next;
        generation = nextGeneration;
        ownMac1Key = CookieGuard.mac1Key(suite, next.x25519());
        if (dropped != null) {
            forgetLocal(dropped.x25519());
        }
        return dropped;
    }

    /** Starts with {@code prev} accepted as the previous generation (a restart during an overlap). */
    synchronized void restorePrevious(StaticKeys prev, int currentGeneration) {
        this.generation = currentGeneration;
        this.previous = prev;
        this.previousMac1Key = prev == null ? null : CookieGuard.mac1Key(suite, prev.x25519());
    }

    /** Ends the overlap: the previous generation is no longer accepted; returns it (null when none). */
    synchronized StaticKeys dropPrevious() {
        StaticKeys p = previous;
        previous = null;
        previousMac1Key = null;
        if (p != null) {
            forgetLocal(p.x25519());
        }
        return p;
    }

    TrustStore trust() {
        return trust;
    }

    SecureRandom random() {
        return random;
    }

    CookieGuard guard() {
        return guard;
    }

    /** The mac1 key of datagrams addressed to this node (§4.1). */
    byte[] ownMac1Key() {
        return ownMac1Key;
    }

    Suite suite() {
        return suite;
    }

    void setSuite(Suite s) {
        this.suite = Objects.requireNonNull(s);
    }

    B4aeSettings settings() {
        return settings;
    }

    /** Takes the values that apply to a running engine: the preferred mode, the cookie policy, enrollment. */
    void reconfigure(B4aeSettings next) {
        this.settings = settings.toBuilder().preferred(next.preferred()).cookieAlways(next.cookieAlways())
                .enrollmentAcceptUnpinned(next.enrollmentAcceptUnpinned())
                .enrollmentMaxSessions(next.enrollmentMaxSessions())
                .enrollmentSessionSeconds(next.enrollmentSessionSeconds()).build();
    }

    Set<Mode> supported() {
        return supported;
    }

    void setSupported(Set<Mode> modes) {
        EnumSet<Mode> m = EnumSet.copyOf(modes);
        if (keys.mldsa() == null) {
            m.remove(Mode.B);
        }
        if (m.isEmpty()) {
            throw new IllegalArgumentException("no supported mode");
        }
        this.supported = m;
    }

    ProtocolObserver observer() {
        return observer;
    }

    void setObserver(ProtocolObserver o) {
        this.observer = o == null ? ProtocolObserver.NONE : o;
    }

    /** Modes a configured peer may use, on both sides of a handshake; empty or null: no restriction. */
    void setPeerModes(String peer, Set<Mode> modes) {
        if (modes == null || modes.isEmpty()) {
            peerModes.remove(peer);
        } else {
            peerModes.put(peer, EnumSet.copyOf(modes));
        }
    }

    void clearPeerModes(String peer) {
        peerModes.remove(peer);
    }

    /** The mode mask a peer's configuration allows (all modes when it names none). */
    int allowedModes(String peer) {
        Set<Mode> m = peer == null ? null : peerModes.get(peer);
        return m == null ? Mode.A.bit() | Mode.B.bit() : Mode.mask(m);
    }

    /** Whether {@code peer} may hold a session in {@code mode} (§2.1 per-peer policy, initiator and responder). */
    boolean modeAllowed(String peer, Mode mode) {
        return (allowedModes(peer) & mode.bit()) != 0;
    }

    /** DH(s, S_peer) with the current generation, cached per peer key. */
    byte[] staticStatic(RawPublicKey peerStatic) {
        return staticStatic(keys, peerStatic);
    }

    /** DH(s, S_peer) with {@code local}, cached per pair of keys. */
    byte[] staticStatic(StaticKeys local, RawPublicKey peerStatic) {
        SsKey key = new SsKey(local.x25519(), peerStatic);
        synchronized (ssCache) {
            byte[] v = ssCache.get(key);
            if (v != null) {
                return v.clone();                                 // callers may wipe theirs; the cache keeps its own
            }
        }
        byte[] fresh;
        try {
            fresh = local.agree(peerStatic);
        } catch (Exception e) {
            throw new IllegalStateException("static-static DH failed", e);
        }
        synchronized (ssCache) {
            ssCache.put(key, fresh.clone());
        }
        return fresh;
    }

    /** Wipes and drops the cached static-static secret of a key that is no longer trusted. */
    void forgetStatic(RawPublicKey peerStatic) {
        synchronized (ssCache) {
            ssCache.entrySet().removeIf(e -> {
                if (e.getKey().peer().equals(peerStatic)) {
                    java.util.Arrays.fill(e.getValue(), (byte) 0);
                    return true;
                }
                return false;
            });
        }
    }

    /** Wipes and drops the cached secrets made with one of this node's retired static keys. */
    private void forgetLocal(RawPublicKey localStatic) {
        synchronized (ssCache) {
            ssCache.entrySet().removeIf(e -> {
                if (e.getKey().local().equals(localStatic)) {
                    java.util.Arrays.fill(e.getValue(), (byte) 0);
                    return true;
                }
                return false;
            });
        }
    }

    int staticCacheSize() {
        synchronized (ssCache) {
            return ssCache.size();
        }
    }

    /** The highest counter a keypair may use: rekey_after_messages plus slack for the rekey in flight. */
    long keyLimit() {
        return settings.rekeyAfterMessages() + (1L << 16);
    }

    /** Whether a keypair made at {@code createdNanos} is past reject_after_seconds. */
    boolean expired(long createdNanos, long now) {
        return now - createdNanos > settings.rejectAfterSeconds() * 1_000_000_000L;
    }
}
