package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.AeadAuthenticationException;
import io.aethercore.api.crypto.RawPublicKey;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.function.LongSupplier;

/**
 * The responder's stateless DoS defences (§4): mac1, the address-bound cookie with its rotating secret,
 * the under-load detector and the first-message replay filter. Keeps no per-initiator state.
 */
final class CookieGuard {

    static final byte[] L_MAC1 = Suite.label("b4ae-v2 mac1");
    static final byte[] L_MAC1_RESP = Suite.label("b4ae-v2 mac1 resp");
    static final byte[] L_COOKIE = Suite.label("b4ae-v2 cookie");
    static final byte[] L_SECRET = Suite.label("b4ae-v2 cookie secret");

    private final SecureRandom random;
    private final LongSupplier wallMillis;
    private final LongSupplier nanos;
    private final long expirySeconds;
    private final int loadThreshold;
    private final byte[] bloomKey = new byte[32];
    private final RotatingBloom bloom;

    private volatile byte[] baseSecret;
    private volatile byte[] previousBase;
    private volatile long previousUntilMillis;

    // under-load detector: INIT fragments in the current and previous one-second windows
    private long windowStart;
    private int windowCount;
    private int previousCount;

    CookieGuard(byte[] secret, int bloomSize, int expirySeconds, int loadThreshold, SecureRandom random,
                LongSupplier wallMillis, LongSupplier nanos) {
        if (expirySeconds < 2) {
            throw new IllegalArgumentException("expiry_seconds must be at least 2, got " + expirySeconds);
        }
        this.random = random;
        this.wallMillis = wallMillis;
        this.nanos = nanos;
        this.expirySeconds = expirySeconds;
        this.loadThreshold = loadThreshold;
        random.nextBytes(bloomKey);
        this.bloom = new RotatingBloom(bloomSize, expirySeconds * 1_000_000_000L, nanos);
        setSecret(secret);
        this.previousBase = null;
        this.windowStart = nanos.getAsLong();
    }

    /** Installs a base secret (32 bytes, or null for a random one); the old one stays valid for 2 × expiry. */
    synchronized void setSecret(byte[] secret) {
        byte[] next;
        if (secret == null) {
            next = new byte[32];
            random.nextBytes(next);
        } else {
            if (secret.length != 32) {
                throw new IllegalArgumentException("cookie secret must be 32 bytes (64 hex digits), got " + secret.length);
            }
            next = secret.clone();
        }
        if (baseSecret != null) {
            previousBase = baseSecret;
            previousUntilMillis = wallMillis.getAsLong() + 2000L * expirySeconds;
        }
        baseSecret = next;
    }

    long expirySeconds() {
        return expirySeconds;
    }

    static byte[] mac1Key(Suite s, RawPublicKey responderStatic) {
        return s.h(L_MAC1, responderStatic.encoded());
    }

    static byte[] mac1RespKey(Suite s, byte[] initiatorEphemeral) {
        return s.h(L_MAC1_RESP, initiatorEphemeral);
    }

    /** mac2 is keyed with cookie || cookie: keyed BLAKE3 takes 32-byte keys, the cookie is 16 bytes (§3.1). */
    static byte[] mac2Key(Suite s, byte[] cookie) {
        byte[] k = new byte[32];
        System.arraycopy(cookie, 0, k, 0, 16);
        System.arraycopy(cookie, 0, k, 16, 16);
        return k;
    }

    static byte[] cookieKey(Suite s, RawPublicKey responderStatic) {
        return s.h(L_COOKIE, responderStatic.encoded());
    }

    private static byte[] addressBytes(InetSocketAddress a) {
        byte[] ip = a.getAddress() == null ? a.getHostString().getBytes(java.nio.charset.StandardCharsets.UTF_8)
                : a.getAddress().getAddress();
        byte[] out = new byte[ip.length + 2];
        System.arraycopy(ip, 0, out, 0, ip.length);
        Bytes.put16(out, ip.length, a.getPort());
        return out;
    }

    private record EpochSecret(byte[] base, long epoch, byte[] secret) {}

    /** Small cache: the epoch secrets in use (current and previous epoch, current and previous base). */
    private final EpochSecret[] epochCache = new EpochSecret[4];

    private byte[] epochSecret(Suite s, byte[] base, long epoch) {
        synchronized (epochCache) {
            for (EpochSecret c : epochCache) {
                if (c != null && c.base() == base && c.epoch() == epoch) {
                    return c.secret();
                }
            }
        }
        byte[] e = new byte[8];
        Bytes.put64(e, 0, epoch);
        byte[] secret = s.h(L_SECRET, base, e);
        synchronized (epochCache) {
            int slot = (int) (Math.floorMod(epoch, 2) + (base == baseSecret ? 0 : 2));
            epochCache[slot] = new EpochSecret(base, epoch, secret);
        }
        return secret;
    }

    private long epoch() {
        return Math.floorDiv(wallMillis.getAsLong() / 1000, expirySeconds);
    }

    /** The cookie the responder hands to {@code source} now (§4.1). */
    byte[] cookie(Suite s, InetSocketAddress source) {
        byte[] addr = addressBytes(source);
        return s.mac(epochSecret(s, baseSecret, epoch()), addr, 0, addr.length);
    }

    /** Whether mac2 of the datagram matches a cookie of the current or previous epoch and base secret. */
    boolean mac2Valid(Suite s, byte[] d, int len, InetSocketAddress source) {
        if (Bytes.isZero(d, len - 16, 16)) {
            return false;
        }
        byte[] addr = addressBytes(source);
        long e = epoch();
        byte[] prev = previousBase != null && wallMillis.getAsLong() < previousUntilMillis ? previousBase : null;
        for (byte[] base : prev == null ? new byte[][] {baseSecret} : new byte[][] {baseSecret, prev}) {
            for (long ep = e; ep >= e - 1; ep--) {
                byte[] c = s.mac(epochSecret(s, base, ep), addr, 0, addr.length);
                if (Bytes.equalsAt(s.mac(mac2Key(s, c), d, 0, len - 16), d, len - 16)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A COOKIE reply (§3.6) to the datagram whose mac1 is at {@code d[len-32..len-16]}. */
    byte[] cookieReply(Suite s, RawPublicKey ownStatic, int receiverIndex, byte[] d, int len, InetSocketAddress source) {
        byte[] out = new byte[Wire.COOKIE_LEN];
        out[0] = Wire.T_COOKIE;
        Bytes.put32(out, 4, receiverIndex);
        byte[] nonce = new byte[24];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 8, 24);
        byte[] sub = s.mac32(cookieKey(s, ownStatic), nonce);
        byte[] mac1 = Bytes.slice(d, len - 32, 16);
        byte[] enc = s.aead(sub).seal(new byte[12], cookie(s, source), mac1);
        System.arraycopy(enc, 0, out, 32, 32);
        Bytes.wipe(sub);
        return out;
    }

    /** Initiator side: the cookie inside a reply, if it opens under one of the mac1 values we sent. */
    static byte[] openCookieReply(Suite s, RawPublicKey responderStatic, byte[] d, byte[][] sentMac1s) {
        byte[] nonce = Bytes.slice(d, 8, 24);
        byte[] sub = s.mac32(cookieKey(s, responderStatic), nonce);
        byte[] enc = Bytes.slice(d, 32, 32);
        try {
            for (byte[] mac1 : sentMac1s) {
                if (mac1 == null) {
                    continue;
                }
                try {
                    return s.aead(sub).open(new byte[12], enc, mac1);
                } catch (AeadAuthenticationException e) {
                    // try the next fragment's mac1
                }
            }
            return null;
        } finally {
            Bytes.wipe(sub);
        }
    }

    /** Counts one INIT fragment; returns whether the rate exceeds the threshold. */
    synchronized boolean countInit() {
        long now = nanos.getAsLong();
        long elapsed = now - windowStart;
        if (elapsed >= 1_000_000_000L) {
            previousCount = elapsed >= 2_000_000_000L ? 0 : windowCount;
            windowCount = 0;
            windowStart = now;
        }
        windowCount++;
        return windowCount + previousCount / 2 > loadThreshold;
    }

    /** Keyed digest of a first message body for the replay filter. */
    byte[] replayDigest(Suite s, byte[] body) {
        return s.mac32(bloomKey, s.h(body));
    }

    /** Whether a first message with this digest was (probably) answered within the replay window. */
    boolean seenBefore(byte[] digest) {
        return bloom.mightContain(digest);
    }

    /** Remembers an answered first message for the replay window. */
    void remember(byte[] digest) {
        bloom.add(digest);
    }
}
