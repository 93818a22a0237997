package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keys learned from peers' rotation announcements (docs/b4ae-protocol.md §1.2), persisted in
 * {@code learned-keys-<node>.txt} so that they survive a restart. One line per peer:
 * {@code <peer> <generation> <validFrom ISO-8601> <X25519 base64> <ML-DSA-87 SPKI base64>}. The file is
 * rewritten whole (temporary file and atomic move, mode 0600) and read strictly: a line that does not parse is
 * an error naming the file and line, and the file is left as it is.
 */
final class LearnedKeys {

    /** What one peer announced last. */
    record Learned(String peer, int generation, Instant validFrom, RawPublicKey x25519, RawPublicKey mldsa) { }

    static final int MAX_PEERS = 65_536;

    private final Path file;                              // null: in memory only
    private final Map<String, Learned> byPeer = new TreeMap<>();

    private LearnedKeys(Path file) {
        this.file = file;
    }

    /** In memory only (tests, no data directory). */
    static LearnedKeys inMemory() {
        return new LearnedKeys(null);
    }

    static Path file(Path dir, String node) {
        return dir == null ? null : dir.resolve("learned-keys-" + node + ".txt");
    }

    /** Reads {@code file} (absent: empty); throws {@link StateFiles.BadStateFile} on any line that does not parse. */
    static LearnedKeys load(Path file) {
        LearnedKeys k = new LearnedKeys(file);
        List<String> lines = StateFiles.read(file, "the B4AE learned keys");
        if (lines == null) {
            return k;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Learned l = parseLine(file, i + 1, line);
            if (k.byPeer.put(l.peer(), l) != null) {
                throw new StateFiles.BadStateFile(file, i + 1, "peer '" + l.peer() + "' is listed twice");
            }
            if (k.byPeer.size() > MAX_PEERS) {
                throw new StateFiles.BadStateFile(file, i + 1, "more than " + MAX_PEERS + " peers");
            }
        }
        return k;
    }

    private static Learned parseLine(Path file, int n, String line) {
        String[] f = line.split(" ");
        if (f.length != 5) {
            throw new StateFiles.BadStateFile(file, n, "expected 5 fields separated by one space"
                    + " (peer generation validFrom x25519 mldsa87), found " + f.length);
        }
        int generation;
        try {
            generation = Integer.parseInt(f[1]);
        } catch (NumberFormatException e) {
            throw new StateFiles.BadStateFile(file, n, "generation '" + KeyGeneration.abbreviate(f[1]) + "' is not a number");
        }
        if (generation < 1 || generation > KeyGeneration.MAX_GENERATION) {
            throw new StateFiles.BadStateFile(file, n, "generation " + generation + " out of range");
        }
        Instant from;
        try {
            from = Instant.parse(f[2]);
        } catch (DateTimeParseException e) {
            throw new StateFiles.BadStateFile(file, n, "validFrom is not an ISO-8601 instant");
        }
        try {
            Base64.Decoder d = Base64.getDecoder();
            RawPublicKey x = RawPublicKey.of(KeyAlgorithm.X25519, d.decode(f[3]));
            RawPublicKey m = RawPublicKey.fromSpki(d.decode(f[4]));
            if (m.algorithm() != KeyAlgorithm.ML_DSA_87) {
                throw new StateFiles.BadStateFile(file, n, "the fifth field is not an ML-DSA-87 key");
            }
            return new Learned(f[0], generation, from, x, m);
        } catch (IllegalArgumentException | CryptoException e) {
            throw new StateFiles.BadStateFile(file, n, "a key does not parse: " + e.getMessage());
        }
    }

    /** {@link #load}, or null with the reason in {@code problem[0]} when the file does not parse. */
    static LearnedKeys loadOrExplain(Path file, String[] problem) {
        try {
            return load(file);
        } catch (RuntimeException e) {
            problem[0] = e.getMessage();
            return null;
        }
    }

    /**
     * After the configured pins are applied: forgets what peers that are neither configured nor otherwise pinned
     * announced, and pins the rest again.
     */
    synchronized void reconcile(java.util.Set<String> configured, TrustStore trust) {
        java.util.Set<String> known = trust.peers();
        for (Learned l : List.copyOf(byPeer.values())) {
            if (!configured.contains(l.peer()) && !known.contains(l.peer())) {
                remove(l.peer());
            }
        }
        applyTo(trust);
    }

    synchronized Learned get(String peer) {
        return byPeer.get(peer);
    }

    synchronized List<Learned> all() {
        return List.copyOf(byPeer.values());
    }

    /** Records what {@code peer} announced and rewrites the file. */
    synchronized void put(Learned l) {
        if (l.peer().isEmpty() || l.peer().chars().anyMatch(Character::isWhitespace) || l.peer().startsWith("#")) {
            throw new IllegalArgumentException("peer name '" + l.peer() + "' cannot be stored");
        }
        if (!byPeer.containsKey(l.peer()) && byPeer.size() >= MAX_PEERS) {
            throw new IllegalStateException("already " + MAX_PEERS + " learned keys");
        }
        Learned before = byPeer.put(l.peer(), l);
        try {
            save();
        } catch (RuntimeException e) {
            if (before == null) {
                byPeer.remove(l.peer());
            } else {
                byPeer.put(l.peer(), before);
            }
            throw e;
        }
    }

    /** The peer's entry was removed from the configuration: unpins and forgets its learned keys; true if it had some. */
    synchronized boolean forget(String peer, TrustStore trust) {
        Learned l = remove(peer);
        if (l == null) {
            return false;
        }
        trust.unpin(peer, l.x25519());
        trust.unpin(peer, l.mldsa());
        return true;
    }

    /** Forgets a peer's entry and rewrites the file; returns it (null when there was none). */
    synchronized Learned remove(String peer) {
        Learned l = byPeer.remove(peer);
        if (l != null) {
            save();
        }
        return l;
    }

    /** Pins every learned key whose peer the trust store knows (after the configured pins); returns how many. */
    synchronized int applyTo(TrustStore trust) {
        int n = 0;
        java.util.Set<String> known = trust.peers();
        for (Learned l : byPeer.values()) {
            if (!known.contains(l.peer())) {
                continue;
            }
            try {
                trust.pin(l.peer(), l.x25519(), l.validFrom());
                trust.pin(l.peer(), l.mldsa(), l.validFrom());
                n++;
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(LearnedKeys.class).warn(
                        "B4AE learned key of '{}' not pinned: {}", l.peer(), e.getMessage());
            }
        }
        return n;
    }

    private void save() {
        if (file == null) {
            return;
        }
        StringBuilder b = new StringBuilder("# B4AE keys learned from peers' rotation announcements"
                + " (written by the node; see docs/b4ae-protocol.md)\n"
                + "# peer generation validFrom x25519 mldsa87-spki\n");
        Base64.Encoder e = Base64.getEncoder();
        for (Learned l : byPeer.values()) {
            b.append(l.peer()).append(' ').append(l.generation()).append(' ').append(l.validFrom()).append(' ')
                    .append(e.encodeToString(l.x25519().encoded())).append(' ')
                    .append(e.encodeToString(l.mldsa().toSpki())).append('\n');
        }
        StateFiles.write(file, b.toString(), "the B4AE learned keys");
    }
}
