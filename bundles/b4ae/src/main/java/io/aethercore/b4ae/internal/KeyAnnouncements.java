package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.PinnedKey;
import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.crypto.KeyAlgorithm;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's side of identity-key rotation (docs/b4ae-protocol.md §1.2): takes a peer's announcement from its
 * session, verifies it against the peer's pinned ML-DSA-87 key, pins the new keys (the old pins stay accepted for
 * the overlap, by the trust store's rule), persists them in {@link LearnedKeys} and acknowledges; hands
 * acknowledgements of this node's own announcements to the {@link KeyRotation} listening. An announcement that
 * does not verify is dropped and counted as a dropped datagram with reason {@code announcement}.
 */
final class KeyAnnouncements {

    private static final Logger LOG = LoggerFactory.getLogger(KeyAnnouncements.class);
    static final String DROP = "announcement";

    private final EngineContext ctx;
    private final RecordLayer records;
    private volatile LearnedKeys learned = LearnedKeys.inMemory();
    private volatile BiConsumer<String, byte[]> ackListener = (p, a) -> { };
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();

    KeyAnnouncements(EngineContext ctx, RecordLayer records) {
        this.ctx = ctx;
        this.records = records;
    }

    void setLearned(LearnedKeys l) {
        this.learned = l;
    }

    LearnedKeys learned() {
        return learned;
    }

    void setAckListener(BiConsumer<String, byte[]> l) {
        this.ackListener = l == null ? (p, a) -> { } : l;
    }

    long refused() {
        return refused.get();
    }

    long accepted() {
        return accepted.get();
    }

    /** Sends this node's announcement on {@code s}; false when the session is closed. */
    boolean send(B4aeSession s, byte[] announcement) {
        if (!s.isOpen()) {
            return false;
        }
        records.control(s, s.current(), Wire.INNER_ROTATE, announcement);
        return true;
    }

    void onAck(B4aeSession s, byte[] content) {
        ackListener.accept(s.peer(), content);
    }

    /** A peer's announcement, authenticated by its session; verified here, on the receive thread. */
    void onAnnouncement(B4aeSession s, byte[] content) {
        try {
            accept(s, content, Instant.now());
        } catch (RotationAnnouncement.Refused e) {
            refused.incrementAndGet();
            ctx.observer().datagramDropped(DROP);
            LOG.warn("B4AE rotation announcement from '{}' refused ({}): {}", s.peer(), e.reason(), e.getMessage());
        }
    }

    private void accept(B4aeSession s, byte[] content, Instant now) throws RotationAnnouncement.Refused {
        if (!s.peerPinned()) {
            throw new RotationAnnouncement.Refused("unpinned", "the session's peer is not pinned (enrollment)");
        }
        RotationAnnouncement a = RotationAnnouncement.parse(content);
        String peer = s.peer();
        LearnedKeys store = learned;
        LearnedKeys.Learned known = store.get(peer);
        if (known != null && known.generation() == a.generation() && known.x25519().equals(a.x25519())
                && known.mldsa().equals(a.mldsa())) {
            records.control(s, s.current(), Wire.INNER_ROTATE_ACK, a.ack()); // a resend: our ack was lost
            return;
        }
        if (known != null && known.generation() >= a.generation()) {
            throw new RotationAnnouncement.Refused("stale", "generation " + a.generation() + " is not newer than "
                    + known.generation() + ", already learned");
        }
        TrustStore trust = ctx.trust();
        Optional<PinnedKey> old = trust.findByFingerprint(a.oldFingerprintHex(), now);
        if (old.isEmpty() || !old.get().peer().equals(peer) || old.get().key().algorithm() != KeyAlgorithm.ML_DSA_87) {
            throw new RotationAnnouncement.Refused("unknown-key", "the old key named is not an ML-DSA-87 key"
                    + " accepted for '" + peer + "'");
        }
        a.verify(ctx.suite().signatures(), old.get().key());
        Instant validFrom = a.validFrom().isAfter(now) ? now : a.validFrom(); // a clock ahead must not delay the key
        try {
            trust.pin(peer, a.x25519(), validFrom);
            trust.pin(peer, a.mldsa(), validFrom);
        } catch (RuntimeException e) {
            trust.unpin(peer, a.x25519());
            throw new RotationAnnouncement.Refused("conflict", e.getMessage());
        }
        try {
            store.put(new LearnedKeys.Learned(peer, a.generation(), validFrom, a.x25519(), a.mldsa()));
        } catch (RuntimeException e) {
            // pinned for now, not persisted: no ack, so the peer sends again and the write is tried again
            LOG.error("B4AE learned key of '{}' pinned but not saved: {}", peer, e.getMessage());
            return;
        }
        accepted.incrementAndGet();
        records.control(s, s.current(), Wire.INNER_ROTATE_ACK, a.ack());
        LOG.info("B4AE peer '{}' rotated its identity keys to generation {} (X25519 {}, ML-DSA-87 {}); its previous"
                + " keys stay accepted for the overlap", peer, a.generation(), a.x25519().fingerprint().substring(0, 16),
                a.mldsa().fingerprint().substring(0, 16));
    }
}
