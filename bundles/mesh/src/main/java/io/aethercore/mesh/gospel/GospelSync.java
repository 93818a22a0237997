package io.aethercore.mesh.gospel;

import io.aethercore.mesh.wire.MeshMessage;
import io.aethercore.mesh.wire.MeshMessage.GospelBatch;
import io.aethercore.mesh.wire.MeshMessage.GospelFetch;
import io.aethercore.mesh.wire.MeshMessage.GospelHead;
import io.aethercore.mesh.wire.MeshMessage.GospelSummary;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Anti-entropy for the Gospel, designed for loss (docs/gospel.md, "Sync"): every node gossips a summary of
 * its chains; a node that sees a peer behind pushes it the missing entries, a node that sees a peer ahead
 * fetches them from several peers at once; every message is idempotent and every timer short, so that
 * with 80 % loss each way (4 % of round trips survive) one-way pushes alone still converge. Driven by
 * {@link #tick()} (every {@link Tuning#tick}) and {@link #received}; thread-safe.
 */
public final class GospelSync {

    /** Who the peers are now (enrolled, not purged, not this node). */
    public interface Peers {
        List<String> peers();
    }

    /** Sends a message to a peer; fire and forget. */
    public interface Sender {
        void send(String peer, MeshMessage message);
    }

    /** What the sync tells its node. */
    public interface Listener {
        /** The peer sent something invalid. */
        default void refused(String peer, String reason) {
        }

        /** All peers agree on the Gospel root again after a period in which they did not. */
        default void resyncComplete(int peers, byte[] root, long size, long divergedMillis) {
        }

        /** The mesh state changed. */
        default void state(MeshState before, MeshState after) {
        }
    }

    /** The mesh as this node sees it. */
    public enum MeshState {
        /** Every peer reachable, agreeing, little loss. */
        HEALTHY,
        /** A peer unreachable, or loss between 20 and 50 %. */
        DEGRADED,
        /** Loss of half the messages or more: sync runs on pushes and redundancy. */
        CONTESTED,
        /** Some peer holds another Gospel root; entries are moving. */
        RESYNCING
    }

    /**
     * The timers and sizes (docs/gospel.md gives the reasoning against the loss model).
     *
     * @param tick how often the loop runs
     * @param fastGossip summary interval to a peer while it or this node changed or disagrees
     * @param slowGossip summary interval when all agree
     * @param push interval of pushes to a peer that is behind
     * @param retry fetch retransmission when no progress was made
     * @param fanout peers a fetch goes to at once; also summaries and pushes per tick
     * @param datagramBytes entry bytes per batch when the link loses messages (fits one datagram)
     * @param bulkBytes entry bytes per batch on a clean link
     * @param window fetch windows in flight on a clean link
     * @param unreachable a peer not heard from for this long is unreachable
     */
    public record Tuning(Duration tick, Duration fastGossip, Duration slowGossip, Duration push, Duration retry,
            int fanout, int datagramBytes, int bulkBytes, int window, Duration unreachable) {
        public static Tuning defaults() {
            return new Tuning(Duration.ofMillis(50), Duration.ofMillis(150), Duration.ofMillis(2000),
                    Duration.ofMillis(150), Duration.ofMillis(250), 4, 1000, 48_000, 8, Duration.ofSeconds(8));
        }
    }

    /** What this node knows of one peer. */
    public record PeerView(String peer, boolean reachable, long lastHeardMillis, long size, byte[] root, long lag,
            double loss, boolean agrees) {
    }

    private static final int LOSS_WINDOW = 32;

    private final String self;
    private final Gospel gospel;
    private final Peers peers;
    private final Sender sender;
    private final Clock clock;
    private final Random random;
    private final Tuning tuning;
    private final Listener listener;
    private final Map<String, Peer> state = new ConcurrentHashMap<>();
    private final Map<String, Fetch> fetches = new HashMap<>();
    private volatile MeshState meshState = MeshState.HEALTHY;
    private long divergedSince = -1;
    private long lastVersion = -1;
    private long changedAt;
    private volatile Gospel.Summary summary;
    private long bytesSent;
    private long messagesSent;

    public GospelSync(String self, Gospel gospel, Peers peers, Sender sender, Clock clock, Random random, Tuning tuning,
            Listener listener) {
        this.self = self;
        this.gospel = gospel;
        this.peers = peers;
        this.sender = sender;
        this.clock = clock;
        this.random = random;
        this.tuning = tuning;
        this.listener = listener;
    }

    private static final class Peer {
        final Map<String, Long> sizes = new HashMap<>();
        final Map<String, byte[]> roots = new HashMap<>();
        byte[] root;
        long size;
        long heard = -1;
        long linkSeqOut;
        long lastSummarySent = -1;
        long lastPush = -1;
        long lastForkCheck = -1;
        final long[] seqs = new long[LOSS_WINDOW];
        int seqCount;
        long maxSeq = -1;

        synchronized double loss() {
            if (seqCount < 4) {
                return 0;
            }
            long lo = maxSeq - LOSS_WINDOW + 1;
            int got = 0;
            long first = Long.MAX_VALUE;
            for (int i = 0; i < Math.min(seqCount, LOSS_WINDOW); i++) {
                if (seqs[i] >= lo) {
                    got++;
                    first = Math.min(first, seqs[i]);
                }
            }
            long span = maxSeq - first + 1;
            return span <= 0 ? 0 : Math.max(0, 1.0 - (double) got / span);
        }

        synchronized void seen(long seq) {
            seqs[seqCount % LOSS_WINDOW] = seq;
            seqCount++;
            maxSeq = Math.max(maxSeq, seq);
        }
    }

    /** Outstanding fetch of one chain. */
    private static final class Fetch {
        long requestedAt = -1;
        long progressAt;
        final TreeMap<Long, Pending> buffered = new TreeMap<>();
    }

    private record Pending(String peer, GospelBatch batch) {
    }

    private Peer peer(String p) {
        return state.computeIfAbsent(p, k -> new Peer());
    }

    private Gospel.Summary mine() {
        long v = gospel.version();
        Gospel.Summary s = summary;
        if (s == null || v != lastVersion) {
            s = gospel.summary();
            summary = s;
            if (lastVersion != -1 || s.size() > 0) {
                changedAt = clock.millis();
            }
            lastVersion = v;
        }
        return s;
    }

    /** One round: summaries, pushes, fetch retransmissions, the mesh state. */
    public synchronized void tick() {
        long now = clock.millis();
        Gospel.Summary mine = mine();
        List<String> all = new ArrayList<>(peers.peers());
        Collections.shuffle(all, random);
        // a set: retainAll asks contains() once per known peer, which a list answers in O(peers)
        state.keySet().retainAll(new HashSet<>(all));
        int summaries = 0;
        int pushes = 0;
        for (String p : all) {
            Peer s = state.get(p);
            boolean differs = s == null || s.root == null || !Arrays.equals(s.root, mine.root());
            boolean fast = differs || now - changedAt < 5_000;
            long interval = (fast ? tuning.fastGossip() : tuning.slowGossip()).toMillis();
            if (summaries < tuning.fanout() && (s == null || s.lastSummarySent < 0 || now - s.lastSummarySent >= interval)) {
                sendSummary(p, peer(p), mine, now);
                summaries++;
            }
            if (s != null && s.root != null && differs && pushes < tuning.fanout()
                    && now - s.lastPush >= tuning.push().toMillis()) {
                if (push(p, s, mine, now)) {
                    pushes++;
                }
            }
        }
        fetch(now, mine, all);
        evaluate(now, mine, all);
    }

    private void sendSummary(String p, Peer s, Gospel.Summary mine, long now) {
        List<GospelHead> heads = new ArrayList<>();
        for (Gospel.Head h : mine.heads()) {
            if (heads.size() < 64) {
                heads.add(new GospelHead(h.author(), h.size(), h.root()));
            }
        }
        s.lastSummarySent = now;
        send(p, new GospelSummary(++s.linkSeqOut, mine.root(), mine.size(), heads));
    }

    /** Pushes to a peer that is behind the entries it lacks, one datagram per chain it lags on. */
    private boolean push(String p, Peer s, Gospel.Summary mine, long now) {
        boolean any = false;
        for (Gospel.Head h : mine.heads()) {
            long theirs = s.sizes.getOrDefault(h.author(), 0L);
            // under loss, several consecutive one-datagram windows at once: each arrives on its own, the
            // receiver buffers those ahead of its size, so a long gap moves `window` times faster
            int windows = s.loss() > 0.1 ? tuning.window() : 1;
            long from = theirs;
            for (int w = 0; w < windows && from < h.size(); w++) {
                int bytes = s.loss() > 0.1 ? tuning.datagramBytes() : tuning.bulkBytes();
                Optional<Gospel.Batch> b = gospel.batch(h.author(), from, MeshLimits.ENTRIES, bytes);
                if (b.isEmpty() || b.get().entries().isEmpty()) {
                    break;
                }
                send(p, toWire(b.get()));
                any = true;
                from += b.get().entries().size();
            }
        }
        if (any) {
            s.lastPush = now;
        }
        return any;
    }

    private void fetch(long now, Gospel.Summary mine, List<String> all) {
        Map<String, List<String>> holders = new HashMap<>();
        Map<String, Long> best = new HashMap<>();
        // this node's chain sizes, looked up once per peer and chain below (every tick, every peer)
        Map<String, Long> held = new HashMap<>();
        for (Gospel.Head h : mine.heads()) {
            held.put(h.author(), h.size());
        }
        for (String p : all) {
            Peer s = state.get(p);
            if (s == null || s.heard < 0) {
                continue;
            }
            for (Map.Entry<String, Long> e : s.sizes.entrySet()) {
                long mineSize = held.getOrDefault(e.getKey(), 0L);
                if (e.getValue() > mineSize) {
                    holders.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(p);
                    best.merge(e.getKey(), e.getValue(), Math::max);
                }
            }
        }
        fetches.keySet().retainAll(holders.keySet());
        for (Map.Entry<String, List<String>> e : holders.entrySet()) {
            String author = e.getKey();
            Fetch f = fetches.computeIfAbsent(author, a -> new Fetch());
            if (f.requestedAt >= 0 && now - Math.max(f.requestedAt, f.progressAt) < tuning.retry().toMillis()) {
                continue;
            }
            f.requestedAt = now;
            long have = gospel.size(author);
            long gap = best.get(author) - have;
            List<String> from = new ArrayList<>(e.getValue());
            Collections.shuffle(from, random);
            double loss = from.stream().mapToDouble(p -> peer(p).loss()).average().orElse(0);
            boolean clean = loss <= 0.1;
            int bytes = clean ? tuning.bulkBytes() : tuning.datagramBytes();
            int perBatch = Math.max(1, Math.min(MeshLimits.ENTRIES, bytes / Math.max(1, averageEntry(author))));
            if (!clean) {
                // the first missing window from several holders (redundancy against loss) ...
                for (int i = 0; i < Math.min(tuning.fanout(), from.size()); i++) {
                    send(from.get(i), new GospelFetch(author, have, perBatch, bytes));
                }
            }
            if (gap > perBatch) {
                // ... and pipelined windows, spread over the peers that hold them
                int windows = (int) Math.min(tuning.window(), (gap + perBatch - 1) / perBatch);
                for (int i = 0; i < windows; i++) {
                    long start = have + (long) i * perBatch;
                    if (f.buffered.containsKey(start)) {
                        continue;
                    }
                    send(from.get(i % from.size()), new GospelFetch(author, start, perBatch, bytes));
                }
            } else if (clean) {
                for (int i = 0; i < Math.min(tuning.fanout(), from.size()); i++) {
                    send(from.get(i), new GospelFetch(author, have, perBatch, bytes));
                }
            }
        }
    }

    private final Map<String, long[]> entrySizes = new HashMap<>();

    private int averageEntry(String author) {
        long[] s = entrySizes.get(author);
        return s == null || s[1] == 0 ? 200 : (int) (s[0] / s[1]);
    }

    /** A message from a peer (a pinned, authenticated one). */
    public void received(String peer, MeshMessage m) {
        if (m instanceof GospelSummary g) {
            summary(peer, g);
        } else if (m instanceof GospelFetch f) {
            int bytes = Math.min(Math.max(f.maxBytes(), 256), MeshLimits.BATCH_BYTES);
            gospel.batch(f.author(), f.from(), Math.max(0, Math.min(f.count(), MeshLimits.ENTRIES)), bytes)
                    .ifPresent(b -> send(peer, toWire(b)));
        } else if (m instanceof GospelBatch b) {
            batch(peer, b);
        }
    }

    private synchronized void summary(String p, GospelSummary g) {
        long now = clock.millis();
        Peer s = peer(p);
        s.seen(g.linkSequence());
        s.heard = now;
        s.root = g.root();
        s.size = g.size();
        Gospel.Summary mine = mine();
        for (GospelHead h : g.heads()) {
            s.sizes.put(h.author(), h.size());
            s.roots.put(h.author(), h.root());
            long mineSize = mine.head(h.author()).map(Gospel.Head::size).orElse(0L);
            if (h.size() <= mineSize && now - s.lastForkCheck > tuning.retry().toMillis()) {
                Optional<byte[]> r = gospel.rootAt(h.author(), h.size());
                if (r.isPresent() && !Arrays.equals(r.get(), h.root())) {
                    // the same chain, another tree: ask for its signed checkpoint (a fork, or a lie)
                    s.lastForkCheck = now;
                    send(p, new GospelFetch(h.author(), h.size(), 0, 256));
                }
            }
        }
        if (!Arrays.equals(g.root(), mine.root())) {
            if (now - s.lastPush >= tuning.push().toMillis() / 2) {
                push(p, s, mine, now);
            }
            fetch(now, mine, List.of(p));
        }
    }

    private synchronized void batch(String p, GospelBatch w) {
        long now = clock.millis();
        Gospel.Batch b = new Gospel.Batch(w.author(), w.from(), w.entries(), w.proof(), w.note());
        Gospel.Outcome o = gospel.offer(b);
        Peer s = peer(p);
        switch (o.status()) {
            case ACCEPTED -> {
                long[] sz = entrySizes.computeIfAbsent(w.author(), a -> new long[2]);
                for (byte[] e : w.entries()) {
                    sz[0] += e.length;
                    sz[1]++;
                }
                s.sizes.merge(w.author(), w.from() + w.entries().size(), Math::max);
                Fetch f = fetches.get(w.author());
                if (f != null) {
                    f.progressAt = now;
                    drain(w.author(), f);
                }
            }
            case PENDING -> {
                if (w.from() > gospel.size(w.author()) && !w.entries().isEmpty()) {
                    Fetch f = fetches.computeIfAbsent(w.author(), a -> new Fetch());
                    if (f.buffered.size() < 64) {
                        f.buffered.put(w.from(), new Pending(p, w));
                    }
                }
            }
            case REFUSED -> listener.refused(p, "Gospel batch of " + w.author() + " refused: " + o.reason());
            default -> {
            }
        }
    }

    private void drain(String author, Fetch f) {
        while (!f.buffered.isEmpty()) {
            long have = gospel.size(author);
            Map.Entry<Long, Pending> first = f.buffered.firstEntry();
            if (first.getKey() > have) {
                return;
            }
            f.buffered.pollFirstEntry();
            GospelBatch w = first.getValue().batch();
            Gospel.Outcome o = gospel.offer(new Gospel.Batch(w.author(), w.from(), w.entries(), w.proof(), w.note()));
            if (o.status() == Gospel.Status.REFUSED) {
                listener.refused(first.getValue().peer(), "Gospel batch of " + author + " refused: " + o.reason());
            }
        }
    }

    private void evaluate(long now, Gospel.Summary mine, List<String> all) {
        int reachable = 0;
        int agree = 0;
        double lossSum = 0;
        for (String p : all) {
            Peer s = state.get(p);
            if (s != null && s.heard >= 0 && now - s.heard <= tuning.unreachable().toMillis()) {
                reachable++;
                lossSum += s.loss();
                if (Arrays.equals(s.root, mine.root())) {
                    agree++;
                }
            }
        }
        double loss = reachable == 0 ? 0 : lossSum / reachable;
        MeshState next;
        if (!all.isEmpty() && reachable > 0 && loss >= 0.5) {
            next = MeshState.CONTESTED;
        } else if (agree < reachable) {
            next = MeshState.RESYNCING;
        } else if (reachable < all.size() || loss >= 0.2) {
            next = MeshState.DEGRADED;
        } else {
            next = MeshState.HEALTHY;
        }
        boolean allAgree = !all.isEmpty() && agree == all.size();
        boolean enteringContest = next == MeshState.CONTESTED && meshState != MeshState.CONTESTED;
        if (divergedSince < 0 && (agree < reachable || enteringContest)) {
            divergedSince = now;
        }
        if (allAgree && divergedSince >= 0 && (agree == reachable)) {
            long took = now - divergedSince;
            divergedSince = -1;
            lastResync = new Resync(now, all.size(), mine.root(), mine.size(), took);
            listener.resyncComplete(all.size(), mine.root(), mine.size(), took);
        }
        MeshState before = meshState;
        if (before != next) {
            meshState = next;
            listener.state(before, next);
        }
    }

    private void send(String p, MeshMessage m) {
        messagesSent++;
        sender.send(p, m);
    }

    /** The last time every peer came to agree again after diverging. */
    public record Resync(long atMillis, int peers, byte[] root, long size, long divergedMillis) {
    }

    private volatile Resync lastResync;

    public Optional<Resync> lastResync() {
        return Optional.ofNullable(lastResync);
    }

    /** Whether peers disagree (or the mesh is contested) since the last resync. */
    public synchronized boolean diverged() {
        return divergedSince >= 0;
    }

    /** How often {@link #tick()} should run. */
    public Duration tickInterval() {
        return tuning.tick();
    }

    /** The mesh state as of the last tick. */
    public MeshState state() {
        return meshState;
    }

    /** Messages this node's sync sent (for the byte and message counts of the benchmark). */
    public synchronized long messagesSent() {
        return messagesSent;
    }

    /** What this node knows of every peer. */
    public synchronized List<PeerView> peers() {
        long now = clock.millis();
        Gospel.Summary mine = mine();
        List<PeerView> out = new ArrayList<>();
        state.keySet().retainAll(new HashSet<>(peers.peers()));
        for (String p : new TreeMap<>(state).keySet()) {
            Peer s = state.get(p);
            boolean reachable = s.heard >= 0 && now - s.heard <= tuning.unreachable().toMillis();
            long lag = s.heard < 0 ? mine.size() : Math.max(0, mine.size() - s.size);
            out.add(new PeerView(p, reachable, s.heard, s.size, s.root == null ? null : s.root.clone(), lag, s.loss(),
                    s.root != null && Arrays.equals(s.root, mine.root())));
        }
        return out;
    }

    static GospelBatch toWire(Gospel.Batch b) {
        return new GospelBatch(b.author(), b.from(), b.entries(), b.proof(), b.note());
    }

    /** Wire limits the sync keeps to (MeshCodec refuses more). */
    static final class MeshLimits {
        static final int ENTRIES = io.aethercore.mesh.wire.MeshCodec.GOSPEL_ENTRIES;
        static final int BATCH_BYTES = io.aethercore.mesh.wire.MeshCodec.GOSPEL_BATCH_BYTES - 4096;

        private MeshLimits() {
        }
    }
}
