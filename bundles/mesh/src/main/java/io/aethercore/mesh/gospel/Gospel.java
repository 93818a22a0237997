package io.aethercore.mesh.gospel;

import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.merkle.Checkpoint;
import io.aethercore.api.merkle.ConsistencyProof;
import io.aethercore.api.merkle.InvalidProofException;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.formats.merkle.CheckpointNotes;
import io.aethercore.formats.merkle.MerkleProofs;
import io.aethercore.mesh.enrol.SignatureCheck;
import io.aethercore.mesh.gospel.Entry.Kind;
import io.aethercore.mesh.pki.NodeCertificates;
import io.aethercore.mesh.pki.NodeIdentity;
import io.aethercore.mesh.wire.WireException;
import io.aethercore.mesh.wire.WireReader;
import io.aethercore.mesh.wire.WireWriter;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Gospel on one node (docs/gospel.md): the union of the authors' chains, each an RFC 9162 tree whose
 * checkpoints its author signs (C2SP signed notes), validated entry by entry against the state the chains
 * define before anything is kept, journaled before it is acknowledged, and projected into the registry
 * through {@link Effects}. Plain Java, no threads of its own; every method is synchronised.
 */
public final class Gospel {

    /** Where the Gospel's records go, durably, in order (a Merkle Vine log on a node). */
    public interface Journal {
        /** Returns once the record is durable. */
        void append(byte[] record) throws Exception;

        /** Every record, in the order appended. */
        List<byte[]> readAll() throws Exception;
    }

    /** What accepted entries do on this node (the registry, the trust store, sessions, events). */
    public interface Effects {
        /** An entry took effect; {@code replay}: while rebuilding at start. */
        void applied(Entry entry, Object body, boolean replay);

        /** A batch of {@code added} entries of {@code author} is journaled and applied. */
        default void committed(String author, int added, boolean replay) {
        }

        /** An author signed two trees that cannot both be true. */
        default void forked(ForkProof proof) {
        }
    }

    /** Signs checkpoints of this node's own chain. */
    public record Author(String nodeId, RawPublicKey key, CheckpointNotes.Signer signer) {
    }

    /** One author's chain as a node holds it. */
    public record Head(String author, long size, byte[] root) {
    }

    /** What a node holds: the Gospel root (over every chain), its size, and the head of each chain. */
    public record Summary(byte[] root, long size, List<Head> heads) {
        public Optional<Head> head(String author) {
            return heads.stream().filter(h -> h.author().equals(author)).findFirst();
        }
    }

    /**
     * Entries {@code from .. from + entries.size()} of a chain, the author's signed checkpoint of a tree of
     * {@code n >= from + entries.size()} entries, and the consistency proof from the first to the second.
     */
    public record Batch(String author, long from, List<byte[]> entries, List<byte[]> proof, byte[] note) {
    }

    /**
     * Two checkpoints signed by one author that cannot both be true: {@code mine} of {@code size} entries
     * with root {@code mineRootAtTheirs} at {@code theirs}' size (proved by {@code proof}), and {@code theirs}
     * with another root at that size.
     */
    public record ForkProof(String author, byte[] mine, byte[] theirs, byte[] mineRootAtTheirs, List<byte[]> proof) {
        public String describe() {
            return "author " + author + " signed two different trees; both signatures verify";
        }
    }

    /** What became of an offered batch. */
    public enum Status {
        /** New entries were kept. */
        ACCEPTED,
        /** Nothing new. */
        KNOWN,
        /** Cannot be judged yet (starts beyond what this node holds; its author or a dependency is unknown). */
        PENDING,
        /** Invalid: refused, and the sender recorded as misbehaving. */
        REFUSED,
        /** Proves that its author forked its chain. */
        FORKED
    }

    public record Outcome(Status status, int added, String reason) {
        static Outcome of(Status s, String reason) {
            return new Outcome(s, 0, reason);
        }
    }

    private final String federationAuthority;
    private final X509Certificate genesisRoot;
    private final String originPrefix;
    private final Journal journal;
    private final SignatureCheck signatures;
    private final Clock clock;
    private final Effects effects;
    private final int genesisQuorum;
    private final MerkleHasher hasher = MerkleHasher.sha256();
    private final Map<String, Chain> chains = new TreeMap<>();
    private final List<ForkProof> forks = new ArrayList<>();
    private LedgerState state;
    private Author self;
    private byte[] cachedRoot;
    private long version;

    public Gospel(String federationAuthority, X509Certificate genesisRoot, int quorum, Journal journal,
            SignatureCheck signatures, Clock clock, Effects effects) {
        this.federationAuthority = federationAuthority;
        this.genesisRoot = genesisRoot;
        this.genesisQuorum = quorum;
        this.journal = journal;
        this.signatures = signatures;
        this.clock = clock;
        this.effects = effects;
        this.originPrefix = "aethercore-gospel/" + fingerprint(genesisRoot) + "/";
        this.state = LedgerState.initial(genesisRoot, quorum);
    }

    /** The origin line of an author's checkpoints: bound to the federation root, so no other federation's verify. */
    public String origin(String author) {
        return originPrefix + author;
    }

    public String federationAuthority() {
        return federationAuthority;
    }

    /** Rebuilds the Gospel from the journal (no signatures re-checked: the journal holds only what was verified). */
    public synchronized int load() throws GospelException {
        List<byte[]> records;
        try {
            records = journal.readAll();
        } catch (Exception e) {
            throw new GospelException("cannot read the Gospel journal: " + e.getMessage(), e);
        }
        int n = 0;
        for (byte[] r : records) {
            Batch b;
            try {
                b = JournalRecords.decode(r);
            } catch (WireException e) {
                throw new GospelException("Gospel journal record " + n + " is damaged: " + e.getMessage(), e);
            }
            Outcome o = accept(b, true);
            if (o.status() == Status.REFUSED || o.status() == Status.PENDING) {
                throw new GospelException("Gospel journal record " + n + " does not replay: " + o.reason(), null);
            }
            n++;
        }
        return n;
    }

    /** This node signs its own chain with {@code author} (the authority and operators). */
    public synchronized void author(Author author) {
        this.self = author;
    }

    public synchronized Optional<String> authorName() {
        return Optional.ofNullable(self).map(Author::nodeId);
    }

    /** Whether {@code nodeId} may author entries (the authority, an operator not purged). */
    public synchronized boolean isAuthority(String nodeId) {
        return state.mayAuthor(nodeId, federationAuthority);
    }

    /** A change this node's author wants in the Gospel. */
    public record Draft(Kind kind, byte[] body) {
    }

    /**
     * Appends entries to this node's own chain under one signed checkpoint: validated as any peer will
     * validate them, journaled, applied.
     */
    public synchronized List<Entry> append(List<Draft> drafts) throws GospelException {
        if (self == null) {
            throw new GospelException("this node signs no Gospel entries (only the Federation Authority and"
                    + " operators do)", null);
        }
        if (drafts.isEmpty()) {
            return List.of();
        }
        Chain chain = chain(self.nodeId());
        if (chain.frozen) {
            throw new GospelException("this node's own chain was found forked; it appends no more", null);
        }
        long now = clock.millis();
        List<Entry> entries = new ArrayList<>();
        List<byte[]> encoded = new ArrayList<>();
        for (Draft d : drafts) {
            Entry e = new Entry(self.nodeId(), chain.size() + entries.size(), now, d.kind(), d.body());
            entries.add(e);
            encoded.add(e.encode());
        }
        long from = chain.size();
        LedgerState staged = state.copy();
        List<Object> bodies = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Verdict v = staged.apply(entries.get(i), encoded.get(i), federationAuthority, hasher, keys);
            if (v.problem() != null) {
                throw new GospelException("entry refused: " + v.problem(), null);
            }
            bodies.add(v.body());
        }
        for (byte[] e : encoded) {
            chain.tree.appendEntry(e);
        }
        long n = chain.size() + encoded.size();
        byte[] note;
        try {
            Checkpoint cp = new Checkpoint(origin(self.nodeId()), chain.tree.size(), chain.tree.root(chain.tree.size()),
                    clock.instant());
            note = CheckpointNotes.toNote(CheckpointNotes.sign(cp, self.nodeId(), self.key(), self.signer()))
                    .getBytes(StandardCharsets.UTF_8);
        } catch (Exception e) {
            chain.tree.truncate(from);
            throw new GospelException("cannot sign the Gospel checkpoint: " + e.getMessage(), e);
        }
        Batch b = new Batch(self.nodeId(), from, encoded, List.of(), note);
        try {
            journal.append(JournalRecords.encode(b));
        } catch (Exception e) {
            chain.tree.truncate(from);
            throw new GospelException("cannot journal the Gospel entries: " + e.getMessage(), e);
        }
        commit(chain, encoded, n, note, staged, entries, bodies, false);
        return entries;
    }

    /**
     * Appends a revocation of {@code target} to this node's chain. If the target authored entries, those this
     * node holds stay valid (the cutoff, proved by the target's own checkpoint) and every later one is void.
     */
    public synchronized Entry purge(String target, Reason reason, String comment) throws GospelException {
        if (self != null && target.equals(self.nodeId())) {
            throw new GospelException("a node does not purge itself", null);
        }
        if (state.revoked.containsKey(target)) {
            throw new GospelException(target + " is already purged (" + state.revoked.get(target) + ")", null);
        }
        if (!state.certs.containsKey(target)) {
            throw new GospelException(target + " is not an enrolled node of this federation", null);
        }
        Chain c = chains.get(target);
        long cutoff = 0;
        byte[] note = new byte[0];
        if (c != null && !c.notes.isEmpty()) {
            Map.Entry<Long, byte[]> n = c.notes.floorEntry(effectiveSize(c));
            if (n != null) {
                cutoff = n.getKey();
                note = n.getValue();
            }
        }
        return append(List.of(new Draft(Kind.REVOKE, new Bodies.Revoke(target, reason, cutoff, note,
                comment == null ? "" : comment).encode()))).get(0);
    }

    /** Offers a batch received from a peer; the outcome says whether to blame it. */
    public synchronized Outcome offer(Batch b) {
        return accept(b, false);
    }

    private Outcome accept(Batch b, boolean replay) {
        SignedCheckpoint sc;
        try {
            sc = CheckpointNotes.parse(b.note());
        } catch (InvalidProofException e) {
            return Outcome.of(Status.REFUSED, "checkpoint malformed: " + e.getMessage());
        }
        Checkpoint cp = sc.checkpoint();
        if (!cp.origin().equals(origin(b.author()))) {
            return Outcome.of(Status.REFUSED, "checkpoint of another log (" + cp.origin() + ")");
        }
        long n = cp.size();
        long end = b.from() + b.entries().size();
        if (n < end || b.from() < 0) {
            return Outcome.of(Status.REFUSED, "checkpoint of " + n + " entries cannot cover entries up to " + end);
        }
        Chain chain = chain(b.author());
        if (chain.frozen) {
            return Outcome.of(Status.KNOWN, "chain of " + b.author() + " is frozen (forked)");
        }
        long have = chain.size();
        if (n <= have) {
            if (Arrays.equals(chain.tree.root(n), cp.root())) {
                return Outcome.of(Status.KNOWN, "");
            }
            RawPublicKey key = keyOf(b.author());
            if (key == null) {
                return Outcome.of(Status.REFUSED, "checkpoint of " + b.author() + " disagrees and its key is unknown");
            }
            try {
                CheckpointNotes.verify(sc, b.author(), key, signatures::verify);
            } catch (InvalidProofException e) {
                return Outcome.of(Status.REFUSED, e.getMessage());
            }
            return fork(chain, n, b.note());
        }
        if (b.from() > have) {
            return Outcome.of(Status.PENDING, "starts at " + b.from() + ", this node holds " + have);
        }
        // entries this node already holds must be the same ones
        int skip = (int) (have - b.from());
        if (skip > b.entries().size()) {
            skip = b.entries().size();
        }
        for (int i = 0; i < skip; i++) {
            if (!Arrays.equals(hasher.leafHash(b.entries().get(i)), chain.tree.leafHash(b.from() + i))) {
                return Outcome.of(Status.REFUSED, "entry " + (b.from() + i) + " of " + b.author()
                        + " differs from the one this node holds");
            }
        }
        List<byte[]> fresh = b.entries().subList(skip, b.entries().size());
        List<Entry> entries = new ArrayList<>();
        for (byte[] raw : fresh) {
            try {
                Entry e = Entry.decode(raw);
                if (!e.author().equals(b.author()) || e.seq() != have + entries.size()) {
                    return Outcome.of(Status.REFUSED, "entry " + e + " out of place in " + b.author() + "'s chain at "
                            + (have + entries.size()));
                }
                entries.add(e);
            } catch (WireException e) {
                return Outcome.of(Status.REFUSED, "malformed entry: " + e.getMessage());
            }
        }
        if (entries.isEmpty() && end < n) {
            return Outcome.of(Status.KNOWN, "");
        }
        for (byte[] raw : fresh) {
            chain.tree.appendEntry(raw);
        }
        try {
            byte[] rootEnd = chain.tree.root(end);
            if (!replay) {
                if (end == n) {
                    if (!Arrays.equals(rootEnd, cp.root())) {
                        throw new InvalidProofException("the entries do not make the signed root");
                    }
                } else {
                    MerkleProofs.verifyConsistency(hasher, new ConsistencyProof(end, n, b.proof()), rootEnd, cp.root());
                }
            }
            RawPublicKey key = keyOf(b.author());
            if (key == null && b.author().equals(federationAuthority) && have == 0 && !entries.isEmpty()) {
                key = bootstrapKey(entries.get(0));
            }
            if (key == null) {
                chain.tree.truncate(have);
                return Outcome.of(Status.PENDING, "the key of " + b.author() + " is not known yet");
            }
            if (!replay) {
                CheckpointNotes.verify(sc, b.author(), key, signatures::verify);
            }
        } catch (InvalidProofException e) {
            chain.tree.truncate(have);
            return Outcome.of(Status.REFUSED, e.getMessage());
        }
        LedgerState staged = state.copy();
        List<Object> bodies = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Verdict v = staged.apply(entries.get(i), fresh.get(i), federationAuthority, hasher, keys);
            if (v.problem() != null) {
                chain.tree.truncate(have);
                return Outcome.of(v.pending() ? Status.PENDING : Status.REFUSED, "entry " + entries.get(i) + ": " + v.problem());
            }
            bodies.add(v.body());
        }
        if (!replay) {
            try {
                journal.append(JournalRecords.encode(new Batch(b.author(), have, fresh, b.proof(), b.note())));
            } catch (Exception e) {
                chain.tree.truncate(have);
                return Outcome.of(Status.PENDING, "cannot journal: " + e.getMessage());
            }
        }
        commit(chain, fresh, n, b.note(), staged, entries, bodies, replay);
        return new Outcome(Status.ACCEPTED, entries.size(), "");
    }

    private void commit(Chain chain, List<byte[]> fresh, long noteSize, byte[] note, LedgerState staged, List<Entry> entries,
            List<Object> bodies, boolean replay) {
        chain.entries.addAll(fresh);
        chain.notes.put(noteSize, note);
        state = staged;
        cachedRoot = null;
        version++;
        for (int i = 0; i < entries.size(); i++) {
            try {
                effects.applied(entries.get(i), bodies.get(i), replay);
            } catch (RuntimeException e) {
                // the entry is in the Gospel; a failing effect is the effect's problem, logged by it
            }
        }
        try {
            effects.committed(chain.author, entries.size(), replay);
        } catch (RuntimeException e) {
            // as above
        }
    }

    private Outcome fork(Chain chain, long n, byte[] theirs) {
        Map.Entry<Long, byte[]> mine = chain.notes.ceilingEntry(n);
        if (mine == null) {
            return Outcome.of(Status.KNOWN, "");
        }
        long m = mine.getKey();
        ForkProof proof = new ForkProof(chain.author, mine.getValue(), theirs, chain.tree.root(n),
                chain.tree.consistency(n, m).path());
        chain.frozen = true;
        forks.add(proof);
        version++;
        effects.forked(proof);
        return Outcome.of(Status.FORKED, proof.describe());
    }

    private final LedgerState.Keys keys = new LedgerState.Keys() {
        @Override
        public RawPublicKey of(String author) {
            return keyOf(author);
        }

        @Override
        public boolean signedBy(SignedCheckpoint note, String author) {
            RawPublicKey k = keyOf(author);
            if (k == null || !note.checkpoint().origin().equals(origin(author))) {
                return false;
            }
            try {
                CheckpointNotes.verify(note, author, k, signatures::verify);
                return true;
            } catch (InvalidProofException e) {
                return false;
            }
        }
    };

    /** The author's node key (from its certificate in the Gospel), or null. */
    private RawPublicKey keyOf(String author) {
        X509Certificate c = state.certs.get(author);
        if (c == null) {
            return null;
        }
        try {
            return NodeCertificates.read(c).nodeKey();
        } catch (Exception e) {
            return null;
        }
    }

    /** The authority's first entry is its own certificate: the key that signs its chain. */
    private RawPublicKey bootstrapKey(Entry first) {
        if (first.kind() != Kind.ENROL) {
            return null;
        }
        try {
            X509Certificate c = LedgerState.certificate(Bodies.Enrol.decode(first.body()).certificate());
            NodeCertificates.verify(c, state.roots, clock.instant());
            NodeIdentity id = NodeCertificates.read(c);
            return id.nodeId().equals(federationAuthority) ? id.nodeKey() : null;
        } catch (Exception e) {
            return null;
        }
    }

    private Chain chain(String author) {
        return chains.computeIfAbsent(author, a -> new Chain(a, new ChainTree(hasher)));
    }

    /** Heads of every chain and the Gospel root (over the chains' valid entries, authors in name order). */
    public synchronized Summary summary() {
        List<Head> heads = new ArrayList<>();
        long total = 0;
        for (Chain c : chains.values()) {
            long eff = effectiveSize(c);
            if (eff > 0) {
                heads.add(new Head(c.author, eff, c.tree.root(eff)));
                total += eff;
            }
        }
        if (cachedRoot == null) {
            if (heads.size() == 1) {
                cachedRoot = heads.get(0).root(); // one chain (the usual case): the Gospel's tree is that chain's
            } else {
                ChainTree all = new ChainTree(hasher);
                for (Chain c : chains.values()) {
                    long eff = effectiveSize(c);
                    for (long i = 0; i < eff; i++) {
                        all.appendLeafHash(c.tree.leafHash(i));
                    }
                }
                cachedRoot = all.root(all.size());
            }
        }
        return new Summary(cachedRoot.clone(), total, heads);
    }

    private long effectiveSize(Chain c) {
        Long cut = state.cutoffs.get(c.author);
        return cut == null ? c.size() : Math.min(cut, c.size());
    }

    /**
     * Entries of {@code author}'s chain from {@code from}, as many as fit in {@code maxBytes} (at least one),
     * at most {@code maxCount}, with the signed checkpoint and consistency proof that verify them; empty
     * when this node has nothing from there that it can prove.
     */
    public synchronized Optional<Batch> batch(String author, long from, int maxCount, int maxBytes) {
        Chain c = chains.get(author);
        if (c == null || c.frozen) {
            return Optional.empty();
        }
        long eff = effectiveSize(c);
        Map.Entry<Long, byte[]> note = c.notes.floorEntry(eff);
        if (note == null || from >= note.getKey() || from < 0) {
            return Optional.empty();
        }
        long n = note.getKey();
        List<byte[]> out = new ArrayList<>();
        int bytes = 0;
        for (long i = from; i < n && out.size() < maxCount; i++) {
            byte[] e = c.entries.get((int) i);
            if (!out.isEmpty() && bytes + e.length + 2 > maxBytes) {
                break;
            }
            out.add(e);
            bytes += e.length + 2;
        }
        long end = from + out.size();
        return Optional.of(new Batch(author, from, out, c.tree.consistency(end, n).path(), note.getValue()));
    }

    /** The latest signed checkpoint this node holds of {@code author}'s chain. */
    public synchronized Optional<byte[]> note(String author) {
        Chain c = chains.get(author);
        if (c == null || c.notes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(c.notes.lastEntry().getValue());
    }

    /** The entries of every chain, authors in name order (for the console and tests). */
    public synchronized List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (Chain c : chains.values()) {
            for (byte[] raw : c.entries.subList(0, (int) effectiveSize(c))) {
                try {
                    out.add(Entry.decode(raw));
                } catch (WireException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    public synchronized List<ForkProof> forks() {
        return List.copyOf(forks);
    }

    /** Changes with every accepted batch (cheap change detection for the sync loop). */
    public synchronized long version() {
        return version;
    }

    public synchronized Optional<Reason> revocation(String nodeId) {
        return Optional.ofNullable(state.revoked.get(nodeId));
    }

    public synchronized Map<String, String> configuration() {
        return Map.copyOf(state.config);
    }

    public synchronized List<String> operators() {
        return List.copyOf(state.operators);
    }

    public synchronized int quorum() {
        return state.quorum;
    }

    /** The size of {@code author}'s chain on this node (the cutoff of a purged author applies). */
    public synchronized long size(String author) {
        Chain c = chains.get(author);
        return c == null ? 0 : effectiveSize(c);
    }

    /** Root of the first {@code n} entries of {@code author}'s chain, if this node holds that many. */
    public synchronized Optional<byte[]> rootAt(String author, long n) {
        Chain c = chains.get(author);
        return c == null || n > effectiveSize(c) || n < 0 ? Optional.empty() : Optional.of(c.tree.root(n));
    }

    /** The leaf hash of an entry of this node's chains (to name a CONFIG entry in an approval). */
    public synchronized Optional<byte[]> leafHash(String author, long seq) {
        Chain c = chains.get(author);
        return c == null || seq < 0 || seq >= c.size() ? Optional.empty() : Optional.of(c.tree.leafHash(seq));
    }

    static String fingerprint(X509Certificate root) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(root.getEncoded()), 0, 8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CONFIG entry, or an approval of one, that does not have its quorum yet. */
    public record Pending(Bodies.Config config, int approvals, int quorum) {
    }
}
