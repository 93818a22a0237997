package io.aethercore.api.b4ae;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Pinned long-term keys of peers: X25519 (Mode A, and the mac1/cookie key of both modes) and ML-DSA-87
 * (Mode B). Filled from configuration and, later, by the mesh from enrolled node certificates.
 *
 * <p>Rotation: with rotation period R (90 days) and overlap O (7 days), a key is accepted at t when
 * {@code validFrom <= t < validFrom + R + O} and, if a newer key of the same algorithm is pinned for the
 * same peer, {@code t < newer.validFrom + O}. Thread-safe.
 */
@ProviderType
public interface TrustStore {

    /** Pins a key for a peer. Pinning the same key again updates its {@code validFrom}. */
    void pin(String peer, RawPublicKey key, Instant validFrom);

    /** Removes a pinned key; returns whether it was there. */
    boolean unpin(String peer, RawPublicKey key);

    /** Removes a peer and all its keys. */
    boolean remove(String peer);

    /** The peer that holds {@code key}, if the key is pinned and accepted at {@code at}. */
    Optional<String> peerFor(RawPublicKey key, Instant at);

    /** The peer holding an accepted ML-DSA-87 key with this SPKI SHA-256 fingerprint (hex). */
    Optional<PinnedKey> findByFingerprint(String fingerprint, Instant at);

    /** The newest key of {@code algorithm} accepted at {@code at} for the peer. */
    Optional<RawPublicKey> current(String peer, KeyAlgorithm algorithm, Instant at);

    /** Every pinned key of a peer, accepted or not. */
    List<PinnedKey> keys(String peer);

    Set<String> peers();

    /** Remembers where a peer can be reached (from configuration or the mesh). */
    void setAddress(String peer, InetSocketAddress address);

    Optional<InetSocketAddress> address(String peer);
}
