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

    private final StaticKeys keys;
    private final TrustStore trust;
    private final SecureRandom random;
    private final CookieGuard guard;
    private final byte[] ownMac1Key;
    /** At most this many cached static-static secrets; the least recently used one is wiped and dropped. */
    static final int SS_CACHE_LIMIT = 4096;
    private final Map<RawPublicKey, byte[]> ssCache = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RawPublicKey, byte[]> eldest) {
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

    /** DH(s, S_peer), cached per peer key. */
    byte[] staticStatic(RawPublicKey peerStatic) {
        synchronized (ssCache) {
            byte[] v = ssCache.get(peerStatic);
            if (v != null) {
                return v.clone();                                 // callers may wipe theirs; the cache keeps its own
            }
        }
        byte[] fresh;
        try {
            fresh = keys.agree(peerStatic);
        } catch (Exception e) {
            throw new IllegalStateException("static-static DH failed", e);
        }
        synchronized (ssCache) {
            ssCache.put(peerStatic, fresh.clone());
        }
        return fresh;
    }

    /** Wipes and drops the cached static-static secret of a key that is no longer trusted. */
    void forgetStatic(RawPublicKey peerStatic) {
        synchronized (ssCache) {
            byte[] v = ssCache.remove(peerStatic);
            if (v != null) {
                java.util.Arrays.fill(v, (byte) 0);
            }
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
