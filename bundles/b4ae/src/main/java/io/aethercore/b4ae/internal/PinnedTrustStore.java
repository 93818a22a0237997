package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.PinnedKey;
import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** In-memory {@link TrustStore} with the rotation/overlap acceptance rule of §1.1. */
public final class PinnedTrustStore implements TrustStore {

    private final Map<String, List<PinnedKey>> byPeer = new ConcurrentHashMap<>();
    private final Map<RawPublicKey, PinnedKey> byKey = new ConcurrentHashMap<>();
    private final Map<String, PinnedKey> byFingerprint = new ConcurrentHashMap<>();
    private final Map<String, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    /** Prefix of the peers trust on first use pins (Handshakes.Responder). */
    static final String TOFU_PREFIX = "tofu-";
    /** At most this many trust-on-first-use peers by default: a stream of fresh keys cannot grow the store. */
    static final int DEFAULT_TOFU_LIMIT = 1024;
    private volatile int tofuLimit = DEFAULT_TOFU_LIMIT;
    private int tofuPeers;                                       // guarded by this
    private volatile Duration rotation;
    private volatile Duration overlap;

    public PinnedTrustStore(Duration rotation, Duration overlap) {
        setPolicy(rotation, overlap);
    }

    /** The most trust-on-first-use peers kept at once (issue 17 item 8). */
    public void setTofuLimit(int limit) {
        this.tofuLimit = limit;
    }

    synchronized int tofuPeers() {
        return tofuPeers;
    }

    public void setPolicy(Duration rotation, Duration overlap) {
        this.rotation = rotation;
        this.overlap = overlap;
    }

    @Override
    public synchronized void pin(String peer, RawPublicKey key, Instant validFrom) {
        if (peer.startsWith(Enrolment.UNPINNED_PREFIX)) {
            throw new IllegalArgumentException("peer names starting with '" + Enrolment.UNPINNED_PREFIX
                    + "' are reserved for sessions with unpinned initiators; choose another name for '" + peer + "'");
        }
        PinnedKey old = byKey.get(key);
        if (old != null && !old.peer().equals(peer)) {
            throw new IllegalArgumentException("key " + key + " is already pinned for peer '" + old.peer() + "'");
        }
        if (peer.startsWith(TOFU_PREFIX) && !byPeer.containsKey(peer)) {
            if (tofuPeers >= tofuLimit) {
                throw new IllegalStateException("trust on first use already pinned " + tofuPeers
                        + " peers (the limit); pin peers in the configuration, or remove tofu- peers");
            }
            tofuPeers++;
        }
        PinnedKey p = new PinnedKey(peer, key, validFrom);
        List<PinnedKey> list = byPeer.computeIfAbsent(peer, x -> new ArrayList<>());
        list.removeIf(k -> k.key().equals(key));
        list.add(p);
        byKey.put(key, p);
        byFingerprint.put(key.fingerprint(), p);
    }

    @Override
    public synchronized boolean unpin(String peer, RawPublicKey key) {
        List<PinnedKey> list = byPeer.get(peer);
        if (list == null || !list.removeIf(k -> k.key().equals(key))) {
            return false;
        }
        byKey.remove(key);
        byFingerprint.remove(key.fingerprint());
        return true;
    }

    @Override
    public synchronized boolean remove(String peer) {
        List<PinnedKey> list = byPeer.remove(peer);
        addresses.remove(peer);
        if (list != null && peer.startsWith(TOFU_PREFIX)) {
            tofuPeers--;
        }
        if (list == null) {
            return false;
        }
        for (PinnedKey k : list) {
            byKey.remove(k.key());
            byFingerprint.remove(k.key().fingerprint());
        }
        return true;
    }

    /** §1.1: validFrom <= t < validFrom + R + O, and t < newer.validFrom + O for a newer key. */
    synchronized boolean accepted(PinnedKey k, Instant at) {
        if (at.isBefore(k.validFrom()) || !at.isBefore(k.validFrom().plus(rotation).plus(overlap))) {
            return false;
        }
        for (PinnedKey other : byPeer.getOrDefault(k.peer(), List.of())) {
            if (other.key().algorithm() == k.key().algorithm() && other.validFrom().isAfter(k.validFrom())
                    && !other.validFrom().isAfter(at) && !at.isBefore(other.validFrom().plus(overlap))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Optional<String> peerFor(RawPublicKey key, Instant at) {
        PinnedKey k = byKey.get(key);
        return k != null && accepted(k, at) ? Optional.of(k.peer()) : Optional.empty();
    }

    @Override
    public Optional<PinnedKey> findByFingerprint(String fingerprint, Instant at) {
        PinnedKey k = byFingerprint.get(fingerprint);
        return k != null && accepted(k, at) ? Optional.of(k) : Optional.empty();
    }

    @Override
    public synchronized Optional<RawPublicKey> current(String peer, KeyAlgorithm algorithm, Instant at) {
        PinnedKey best = null;
        for (PinnedKey k : byPeer.getOrDefault(peer, List.of())) {
            if (k.key().algorithm() == algorithm && accepted(k, at)
                    && (best == null || k.validFrom().isAfter(best.validFrom()))) {
                best = k;
            }
        }
        return Optional.ofNullable(best).map(PinnedKey::key);
    }

    @Override
    public synchronized List<PinnedKey> keys(String peer) {
        return List.copyOf(byPeer.getOrDefault(peer, List.of()));
    }

    @Override
    public Set<String> peers() {
        return new TreeSet<>(byPeer.keySet());
    }

    @Override
    public void setAddress(String peer, InetSocketAddress address) {
        addresses.put(peer, address);
    }

    @Override
    public Optional<InetSocketAddress> address(String peer) {
        return Optional.ofNullable(addresses.get(peer));
    }
}
