package io.aethercore.mesh.gospel;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.mesh.MeshFixture;
import io.aethercore.mesh.pki.FederationRoot;
import io.aethercore.mesh.pki.NodeCertificates;
import io.aethercore.mesh.pki.NodeIdentity;
import io.aethercore.mesh.wire.MeshCodec;
import io.aethercore.mesh.wire.MeshMessage;
import io.aethercore.mesh.wire.WireException;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The Gospel on many simulated nodes in one JVM, in virtual time: each node a real {@link Gospel} and
 * {@link GospelSync}, every message really encoded and decoded ({@link MeshCodec}), each one dropped with the
 * configured probability per direction, delayed by a few virtual milliseconds, and partitions cut as told.
 * Deterministic for a seed. Tests and the benchmarks (benchmarks/) use it.
 */
public final class GospelLab {

    static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    /** A clock the lab moves. */
    public static final class VirtualClock extends Clock {
        long millis = 1_800_000_000_000L;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public long millis() {
            return millis;
        }
    }

    /** One simulated node. */
    public final class Node {
        public final String name;
        final KeyPair key = generate("Ed25519");
        public X509Certificate certificate;
        public final MemoryJournal journal = new MemoryJournal();
        public Gospel gospel;
        public GospelSync sync;
        public final List<Gospel.ForkProof> forks = new ArrayList<>();
        public final List<String> refused = new ArrayList<>();
        public final List<String> resyncs = new ArrayList<>();
        public final List<Entry> applied = new ArrayList<>();
        public boolean up = true;
        public long bytesSent;
        public long messagesSent;
        /** Signs entries as a Byzantine author would: used by tests that fork a chain on purpose. */
        public boolean byzantine;
        // peersOf and converged run every tick / every 10 virtual ms on every node: cached by version
        private List<String> peersCache;
        private long peersGospelVersion = -1;
        private long peersNodesVersion = -1;
        private byte[] rootCache;
        private long rootVersion = -1;

        Node(String name) {
            this.name = name;
        }

        public RawPublicKey publicKey() {
            try {
                return RawPublicKey.fromSpki(key.getPublic().getEncoded());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** (Re)builds the node's Gospel from its journal, as a restart does. */
        public void start() throws GospelException {
            peersCache = null;
            rootCache = null;
            gospel = new Gospel(authority, root, quorum, journal, MeshFixture.CHECK, clock, new Gospel.Effects() {
                @Override
                public void applied(Entry entry, Object body, boolean replay) {
                    applied.add(entry);
                }

                @Override
                public void forked(Gospel.ForkProof proof) {
                    forks.add(proof);
                }
            });
            gospel.load();
            gospel.author(new Gospel.Author(name, publicKey(), m -> MeshFixture.sign(key, "Ed25519", m)));
            sync = new GospelSync(name, gospel, () -> peersOf(this), (peer, m) -> send(this, peer, m), clock,
                    new Random(seed ^ name.hashCode()), tuning, new GospelSync.Listener() {
                        @Override
                        public void refused(String peer, String reason) {
                            refused.add(peer + ": " + reason);
                        }

                        @Override
                        public void resyncComplete(int peers, byte[] root, long size, long divergedMillis) {
                            resyncs.add(peers + "@" + size);
                        }
                    });
            up = true;
        }

        public void stop() {
            up = false;
        }

        public Gospel.Summary summary() {
            return gospel.summary();
        }
    }

    private record Event(long at, long seq, Runnable action) {
    }

    public final VirtualClock clock = new VirtualClock();
    final KeyPair rootKey = generate("Ed25519");
    public final X509Certificate root;
    public final String authority;
    final int quorum;
    final long seed;
    Random random;
    private long nodesVersion;
    public GospelSync.Tuning tuning = GospelSync.Tuning.defaults();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at)
            : Long.compare(a.seq, b.seq));
    private long eventSeq;
    private double loss;
    private final Map<String, Integer> side = new LinkedHashMap<>();
    private final Set<String> peerless = new HashSet<>();
    /** When set, a node's peers are these (else every other node). */
    public java.util.function.Function<Node, List<String>> topology;

    public GospelLab(String authority, int quorum, long seed) throws Exception {
        this.authority = authority;
        this.quorum = quorum;
        this.seed = seed;
        this.random = new Random(seed);
        this.root = FederationRoot.selfSigned("Lab Root", RawPublicKey.fromSpki(rootKey.getPublic().getEncoded()),
                m -> MeshFixture.sign(rootKey, "Ed25519", m), clock.instant().minusSeconds(60), Duration.ofDays(30));
    }

    static KeyPair generate(String algorithm) {
        try {
            return KeyPairGenerator.getInstance(algorithm, BC).generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds a node; {@code certified}: it gets a node certificate (the authority, enrolled nodes, operators). */
    public Node add(String name, boolean certified) throws Exception {
        Node n = new Node(name);
        if (certified) {
            n.certificate = certify(n);
        }
        nodes.put(name, n);
        nodesVersion++;
        n.start();
        return n;
    }

    /** A certificate for the node's key, issued by the lab's root (ML-DSA and X25519 keys made up for it). */
    public X509Certificate certify(Node n) throws Exception {
        RawPublicKey mlDsa = RawPublicKey.fromSpki(generate("ML-DSA-87").getPublic().getEncoded());
        RawPublicKey x = RawPublicKey.fromSpki(generate("X25519").getPublic().getEncoded());
        NodeIdentity id = new NodeIdentity(n.name, n.publicKey(), x, mlDsa, AttestationKind.SOFTWARE, null, null,
                InetSocketAddress.createUnresolved("localhost", 4000));
        return NodeCertificates.issue(root, m -> MeshFixture.sign(rootKey, "Ed25519", m), id,
                clock.instant().minusSeconds(30), Duration.ofDays(10));
    }

    public Node node(String name) {
        return nodes.get(name);
    }

    public List<Node> nodes() {
        return new ArrayList<>(nodes.values());
    }

    /** Loss per message, each direction independently (0.8: one message in five arrives). */
    public void loss(double l) {
        this.loss = l;
    }

    /** Cuts the network in two: messages between the groups are dropped. */
    public void partition(Set<String> a) {
        side.clear();
        for (String n : nodes.keySet()) {
            side.put(n, a.contains(n) ? 1 : 2);
        }
    }

    public void heal() {
        side.clear();
    }

    private List<String> peersOf(Node n) {
        if (topology != null) {
            return topology.apply(n);
        }
        long v = n.gospel.version();
        if (n.peersCache != null && n.peersGospelVersion == v && n.peersNodesVersion == nodesVersion) {
            return n.peersCache;
        }
        List<String> out = new ArrayList<>(nodes.size());
        for (String p : nodes.keySet()) {
            if (!p.equals(n.name) && !peerless.contains(p) && n.gospel.revocation(p).isEmpty()) {
                out.add(p);
            }
        }
        n.peersCache = java.util.Collections.unmodifiableList(out);
        n.peersGospelVersion = v;
        n.peersNodesVersion = nodesVersion;
        return n.peersCache;
    }

    /** The node's Gospel root, recomputed only when its Gospel changed. */
    public byte[] root(Node n) {
        long v = n.gospel.version();
        if (n.rootCache == null || n.rootVersion != v) {
            n.rootCache = n.gospel.summary().root();
            n.rootVersion = v;
        }
        return n.rootCache;
    }

    /** Starts a new random stream for loss and delays (the benchmark's repetitions). */
    public void reseed(long s) {
        random = new Random(s);
    }

    /** Bytes sent by every node so far. */
    public long bytesSent() {
        long b = 0;
        for (Node n : nodes.values()) {
            b += n.bytesSent;
        }
        return b;
    }

    /** Messages sent by every node so far. */
    public long messagesSent() {
        long m = 0;
        for (Node n : nodes.values()) {
            m += n.messagesSent;
        }
        return m;
    }

    private void send(Node from, String to, MeshMessage m) {
        byte[] bytes = MeshCodec.encode(m);
        from.bytesSent += bytes.length;
        from.messagesSent++;
        Node target = nodes.get(to);
        if (target == null || !from.up) {
            return;
        }
        if (!side.isEmpty() && !side.get(from.name).equals(side.get(to))) {
            return;
        }
        if (loss > 0 && random.nextDouble() < loss) {
            return;
        }
        long delay = 1 + random.nextInt(4);
        schedule(clock.millis() + delay, () -> {
            if (!target.up) {
                return;
            }
            try {
                MeshMessage decoded = MeshCodec.decode(bytes);
                if (target.gospel.revocation(from.name).isEmpty()) {
                    target.sync.received(from.name, decoded);
                }
            } catch (WireException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void schedule(long at, Runnable r) {
        events.add(new Event(at, eventSeq++, r));
    }

    private final Set<String> ticking = new HashSet<>();

    private void startTicks() {
        long tick = tuning.tick().toMillis();
        for (Node n : nodes.values()) {
            if (ticking.add(n.name)) {
                scheduleTick(n, clock.millis() + random.nextInt((int) tick), tick);
            }
        }
    }

    private void scheduleTick(Node n, long at, long tick) {
        schedule(at, () -> {
            if (n.up) {
                n.sync.tick();
            }
            scheduleTick(n, at + tick, tick);
        });
    }

    /**
     * Runs the lab for up to {@code maxMillis} of virtual time, ticking every node's sync at its interval
     * (with a random phase), until {@code done} holds (checked every 10 virtual ms); returns the virtual
     * milliseconds it took, or -1.
     */
    public long runUntil(long maxMillis, BooleanSupplier done) {
        startTicks();
        long start = clock.millis();
        for (long t = start; t - start <= maxMillis; t += 10) {
            if (done.getAsBoolean()) {
                return t - start;
            }
            while (!events.isEmpty() && events.peek().at() <= t + 10) {
                Event e = events.poll();
                clock.millis = Math.max(clock.millis, e.at());
                e.action().run();
            }
            clock.millis = t + 10;
        }
        return done.getAsBoolean() ? maxMillis : -1;
    }

    /** Whether every node that is up holds the same Gospel root as {@code reference}. */
    public boolean converged(Node reference) {
        byte[] r = root(reference);
        for (Node n : nodes.values()) {
            if (n.up && !java.util.Arrays.equals(root(n), r)) {
                return false;
            }
        }
        return true;
    }

    /** The authority's first entries: its own certificate, then the certificates of {@code enrolled}. */
    public void seedAuthority(List<Node> enrolled) throws GospelException {
        Node fa = nodes.get(authority);
        List<Gospel.Draft> drafts = new ArrayList<>();
        try {
            drafts.add(new Gospel.Draft(Entry.Kind.ENROL, new Bodies.Enrol(fa.certificate.getEncoded()).encode()));
            for (Node n : enrolled) {
                drafts.add(new Gospel.Draft(Entry.Kind.ENROL, new Bodies.Enrol(n.certificate.getEncoded()).encode()));
            }
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        fa.gospel.append(drafts);
    }

    /** A note drafted for {@link Gospel#append}. */
    public static Gospel.Draft note(String text) {
        return new Gospel.Draft(Entry.Kind.NOTE, new Bodies.Note(text).encode());
    }
}
