package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotation of one endpoint's own identity keys (docs/b4ae-protocol.md §1.2): makes generation n+1 in the key
 * custody, persists it ({@link KeyGeneration}), hands it to the engine (which keeps answering handshakes
 * addressed to generation n until the overlap ends), announces it to every pinned peer with a live session
 * (resending until acknowledged, at most {@link #MAX_TRIES} times per session), ends the overlap (the old keys
 * are deleted from their custody) and, with {@code auto_rotate}, rotates by itself when the current generation
 * is older than {@code key_rotation_days}. OSGi-free; {@link #tick()} is driven by a timer (or by tests, with
 * their own {@link Clock}).
 */
public final class KeyRotation {

    private static final Logger LOG = LoggerFactory.getLogger(KeyRotation.class);

    /** How a generation's keys are obtained from the custody. */
    public interface KeyFactory {
        /** The keys of generation {@code g}: found by their labels, generated when missing. */
        StaticKeys create(int g) throws Exception;

        /** The keys of generation {@code g} if the custody still holds them, else null (never generates). */
        StaticKeys existing(int g) throws Exception;
    }

    /** What a rotation did, or (dry run) would do; new fingerprints are null in a dry run. */
    public record Plan(String node, int oldGeneration, int newGeneration, String oldX25519, String oldMldsa,
                       String newX25519, String newMldsa, List<String> peers, Instant overlapEnd, boolean done) { }

    /** A rotation this node cannot do now; the message says why and what to do. */
    public static final class RotationRefused extends Exception {
        private static final long serialVersionUID = 1L;

        RotationRefused(String message) {
            super(message);
        }
    }

    static final int MAX_TRIES = 10;
    static final Duration RESEND = Duration.ofSeconds(3);
    static final Duration AUTO_CHECK = Duration.ofHours(1);

    private final B4aeEngine engine;
    private final KeyFactory factory;
    private final Path file;
    private final String node;
    private final Clock clock;
    private final Supplier<B4aeSettings> settings;
    private KeyGeneration state;                                     // guarded by this
    private byte[] announcement;                                     // guarded by this; during the overlap
    private final Map<String, Pending> pending = new HashMap<>();    // guarded by this
    private final Set<String> acked = new HashSet<>();               // guarded by this
    private Instant nextAutoCheck = Instant.MIN;                     // guarded by this

    /** One peer's copy of the announcement: the session it goes on and how often it went. */
    private static final class Pending {
        final B4aeSession session;
        int tries;
        Instant next = Instant.MIN;

        Pending(B4aeSession session) {
            this.session = session;
        }
    }

    /**
     * Attaches rotation to {@code engine}, which was built with the keys of {@code state.generation()}: during an
     * overlap the previous generation (when the custody still holds it) is accepted again.
     */
    public KeyRotation(B4aeEngine engine, KeyFactory factory, Path file, KeyGeneration state, String node, Clock clock,
                       Supplier<B4aeSettings> settings) throws Exception {
        this.engine = engine;
        this.factory = factory;
        this.file = file;
        this.node = node;
        this.clock = clock;
        this.settings = settings;
        StaticKeys previous = null;
        if (state.previousUntil() != null) {
            previous = factory.existing(state.generation() - 1);
            if (previous == null) {
                LOG.warn("B4AE '{}': the keys of generation {} are no longer in their custody; the overlap ends now",
                        node, state.generation() - 1);
                state = state.withoutPrevious();
                state.save(file);
            }
        }
        this.state = state;
        engine.restoreGeneration(state.generation(), previous);
        engine.announcements().setAckListener(this::onAck);
    }

    /** Reads the endpoint's generation file (written with generation 0 on the first start). */
    static KeyGeneration load(Path file, Clock clock) {
        return KeyGeneration.loadOrStart(file, clock.instant());
    }

    synchronized KeyGeneration state() {
        return state;
    }

    /** What {@link #rotate()} would do now, changing nothing. */
    public synchronized Plan plan() throws RotationRefused {
        check();
        Instant end = clock.instant().plus(Duration.ofDays(settings.get().keyOverlapDays()));
        StaticKeys k = engine.staticKeys();
        return new Plan(node, state.generation(), state.generation() + 1, fp(k.x25519()), fp(k.mldsa()), null, null,
                peers(), end, false);
    }

    private List<String> peers() {
        List<String> p = new ArrayList<>();
        for (B4aeSession s : engine.pinnedSessions()) {
            p.add(s.peer());
        }
        return p;
    }

    private void check() throws RotationRefused {
        if (state.previousUntil() != null) {
            throw new RotationRefused("generation " + (state.generation() - 1) + " is still accepted until "
                    + state.previousUntil() + " (the overlap of the last rotation); rotate again after that");
        }
        if (engine.staticKeys().mldsa() == null) {
            throw new RotationRefused("this node has no ML-DSA-87 key (Mode B is off), and the announcement that"
                    + " tells the peers about new keys is signed with it; enable mode_b, or replace the keys by"
                    + " configuring new labels and pinning them on the peers");
        }
        if (state.generation() >= KeyGeneration.MAX_GENERATION) {
            throw new RotationRefused("generation " + state.generation() + " is the last one");
        }
    }

    /** Rotates now: new keys, persisted, installed and announced. */
    public synchronized Plan rotate() throws RotationRefused {
        check();
        B4aeSettings st = settings.get();
        StaticKeys old = engine.staticKeys();
        int g = state.generation() + 1;
        StaticKeys next;
        try {
            next = factory.create(g);
        } catch (Exception e) {
            throw new RotationRefused("cannot make the keys of generation " + g + ": " + e.getMessage());
        }
        Instant now = clock.instant();
        byte[] ann;
        try {
            ann = RotationAnnouncement.create(old, next, g, now);
        } catch (CryptoException | RuntimeException e) {
            throw new RotationRefused("cannot sign the announcement of generation " + g + ": " + e.getMessage());
        }
        KeyGeneration nextState = state.next(now, now.plus(Duration.ofDays(st.keyOverlapDays())));
        try {
            nextState.save(file);                     // first on disk: a restart never goes back to the old keys
        } catch (RuntimeException e) {
            throw new RotationRefused(e.getMessage());
        }
        state = nextState;
        engine.installGeneration(next, g);
        announcement = ann;
        pending.clear();
        acked.clear();
        List<String> notified = announce(now);
        LOG.info("B4AE '{}' rotated its identity keys: generation {} -> {} (X25519 {} -> {}, ML-DSA-87 {} -> {});"
                + " announced to {}; generation {} is accepted until {}", node, g - 1, g, fp(old.x25519()),
                fp(next.x25519()), fp(old.mldsa()), fp(next.mldsa()), notified, g - 1, state.previousUntil());
        return new Plan(node, g - 1, g, fp(old.x25519()), fp(old.mldsa()), fp(next.x25519()), fp(next.mldsa()),
                notified, state.previousUntil(), true);
    }

    /** Sends the announcement where it is due: new sessions, and resends that were not acknowledged. */
    private List<String> announce(Instant now) {
        List<String> sent = new ArrayList<>();
        if (announcement == null) {
            return sent;
        }
        for (B4aeSession s : engine.pinnedSessions()) {
            if (acked.contains(s.peer())) {
                continue;
            }
            Pending p = pending.get(s.peer());
            if (p == null || p.session != s) {
                p = new Pending(s);
                pending.put(s.peer(), p);
            }
            if (p.tries < MAX_TRIES && !now.isBefore(p.next) && engine.announcements().send(s, announcement)) {
                p.tries++;
                p.next = now.plus(RESEND);
                sent.add(s.peer());
            }
        }
        return sent;
    }

    private synchronized void onAck(String peer, byte[] ack) {
        StaticKeys k = engine.staticKeys();
        if (announcement != null && RotationAnnouncement.acknowledges(ack, state.generation(), k.x25519())) {
            pending.remove(peer);
            acked.add(peer);
            LOG.info("B4AE '{}': peer '{}' acknowledged key generation {}", node, peer, state.generation());
        } else {
            LOG.debug("B4AE '{}': acknowledgement from '{}' does not match generation {}", node, peer, state.generation());
        }
    }

    /** Peers that acknowledged the current generation. */
    public synchronized Set<String> acknowledged() {
        return Set.copyOf(acked);
    }

    /**
     * The timer: resends announcements, ends the overlap when it is over, and with {@code auto_rotate} rotates
     * when the current generation is older than {@code key_rotation_days} (checked at the first tick, then hourly
     * and at the moment it becomes due, and at once after {@link #checkAutoNow()}).
     */
    public synchronized void tick() {
        Instant now = clock.instant();
        if (state.previousUntil() != null && !now.isBefore(state.previousUntil())) {
            endOverlap();
        }
        if (state.previousUntil() != null) {
            announce(now);
        }
        B4aeSettings st = settings.get();
        if (st.autoRotate() && !now.isBefore(nextAutoCheck)) {
            Instant due = state.created().plus(Duration.ofDays(st.keyRotationDays()));
            if (state.previousUntil() == null && !now.isBefore(due)) {
                try {
                    rotate();
                    due = state.created().plus(Duration.ofDays(st.keyRotationDays()));
                } catch (RotationRefused e) {
                    LOG.error("B4AE '{}': automatic key rotation (auto_rotate) failed: {}", node, e.getMessage());
                }
            }
            Instant hour = now.plus(AUTO_CHECK);
            nextAutoCheck = due.isAfter(now) && due.isBefore(hour) ? due : hour; // hourly, and at the boundary
        }
    }

    /** The next tick checks auto_rotate whatever the hour (a configuration update switched it on). */
    public synchronized void checkAutoNow() {
        nextAutoCheck = Instant.MIN;
    }

    /** When the current generation is due for automatic rotation. */
    public synchronized Instant dueAt() {
        return state.created().plus(Duration.ofDays(settings.get().keyRotationDays()));
    }

    private void endOverlap() {
        KeyGeneration next = state.withoutPrevious();
        try {
            next.save(file);
        } catch (RuntimeException e) {
            LOG.error("B4AE '{}': the overlap is over but the generation file cannot be written: {}", node, e.getMessage());
            return;
        }
        state = next;
        announcement = null;
        pending.clear();
        StaticKeys old = engine.endOverlap();
        if (old != null) {
            old.destroy();
            LOG.info("B4AE '{}': the overlap of key generation {} is over; generation {} is refused and deleted"
                    + " from its custody", node, state.generation(), state.generation() - 1);
        }
    }

    static String fp(RawPublicKey k) {
        return k == null ? null : k.fingerprint().substring(0, 16);
    }
}
