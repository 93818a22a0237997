package io.aethercore.mesh.gospel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.merkle.Checkpoint;
import io.aethercore.formats.merkle.CheckpointNotes;
import io.aethercore.mesh.MeshFixture;
import io.aethercore.mesh.gospel.Gospel.Batch;
import io.aethercore.mesh.gospel.Gospel.Status;
import io.aethercore.mesh.gospel.GospelLab.Node;
import io.aethercore.mesh.wire.MeshCodec;
import io.aethercore.mesh.wire.MeshMessage;
import io.aethercore.mesh.wire.WireException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ledger's rules, one node talking to another by hand: what is accepted, refused, proved. */
class GospelTest {

    GospelLab lab;
    Node fa, alpha, bravo, charlie;

    @BeforeEach
    void federation() throws Exception {
        lab = new GospelLab("fa-1", 1, 11);
        fa = lab.add("fa-1", true);
        alpha = lab.add("alpha", true);
        bravo = lab.add("bravo", true);
        charlie = lab.add("charlie", true);
        lab.seedAuthority(List.of(alpha, bravo, charlie));
    }

    /** Copies everything {@code from} holds of {@code author}'s chain to {@code to}, batch by batch. */
    static Gospel.Outcome copy(Node from, Node to, String author) {
        Gospel.Outcome last = null;
        for (int guard = 0; guard < 10_000; guard++) {
            var b = from.gospel.batch(author, to.gospel.size(author), 1024, 1000);
            if (b.isEmpty()) {
                return last;
            }
            last = to.gospel.offer(b.get());
            if (last.status() != Status.ACCEPTED) {
                return last;
            }
        }
        return last;
    }

    static void syncAll(Node from, Node to) {
        for (Gospel.Head h : from.gospel.summary().heads()) {
            copy(from, to, h.author());
        }
    }

    @Test
    void aMemberRebuildsTheAuthoritysChainAndTheRootsAgree() {
        assertEquals(Status.ACCEPTED, copy(fa, alpha, "fa-1").status());
        assertArrayEquals(fa.gospel.summary().root(), alpha.gospel.summary().root());
        assertEquals(4, alpha.gospel.size("fa-1"));
        assertEquals(List.of("fa-1#0 ENROL", "fa-1#1 ENROL", "fa-1#2 ENROL", "fa-1#3 ENROL"),
                alpha.applied.stream().map(Entry::toString).toList());
    }

    @Test
    void aTamperedEntryOrAForgedCheckpointIsRefused() throws Exception {
        fa.gospel.append(List.of(GospelLab.note("change ticket 4711")));
        Batch good = fa.gospel.batch("fa-1", 0, 1024, 60_000).orElseThrow();
        List<byte[]> entries = new ArrayList<>(good.entries());
        byte[] tampered = entries.get(4).clone();
        tampered[tampered.length - 1] ^= 1;
        entries.set(4, tampered);
        Gospel.Outcome o = alpha.gospel.offer(new Batch("fa-1", 0, entries, good.proof(), good.note()));
        assertEquals(Status.REFUSED, o.status());
        assertTrue(o.reason().contains("do not make the signed root"), o.reason());

        // a checkpoint of the same tree signed by someone else (bravo's key, under the authority's name)
        Checkpoint cp = CheckpointNotes.parse(good.note()).checkpoint();
        byte[] forged = CheckpointNotes.toNote(CheckpointNotes.sign(cp, "fa-1", bravo.publicKey(),
                m -> MeshFixture.sign(bravo.key, "Ed25519", m))).getBytes(StandardCharsets.UTF_8);
        o = alpha.gospel.offer(new Batch("fa-1", 0, good.entries(), good.proof(), forged));
        assertEquals(Status.REFUSED, o.status());
        assertEquals(0, alpha.gospel.size("fa-1"), "nothing of a refused batch is kept");
        assertEquals(Status.ACCEPTED, alpha.gospel.offer(good).status());
    }

    @Test
    void onlyTheAuthorityEnrolsGrantsAndNobodyPurgesTheAuthority() throws Exception {
        fa.gospel.append(List.of(new Gospel.Draft(Entry.Kind.OPERATOR, new Bodies.Operator("alpha", true).encode())));
        syncAll(fa, alpha);
        assertTrue(alpha.gospel.isAuthority("alpha"));
        GospelException e = assertThrows(GospelException.class, () -> alpha.gospel.append(List.of(new Gospel.Draft(
                Entry.Kind.ENROL, new Bodies.Enrol(bravo.certificate.getEncoded()).encode()))));
        assertTrue(e.getMessage().contains("only the Federation Authority enrols"), e.getMessage());
        e = assertThrows(GospelException.class, () -> alpha.gospel.append(List.of(new Gospel.Draft(Entry.Kind.REVOKE,
                new Bodies.Revoke("fa-1", Reason.OPERATOR_OVERRIDE, 0, new byte[0], "").encode()))));
        assertTrue(e.getMessage().contains("cannot be purged"), e.getMessage());
        e = assertThrows(GospelException.class, () -> bravo.gospel.append(List.of(GospelLab.note("hello"))));
        assertTrue(e.getMessage().contains("not an authority"), e.getMessage());
    }

    @Test
    void anInvalidEntrySignedByItsAuthorIsRefusedByEveryNode() throws Exception {
        fa.gospel.append(List.of(new Gospel.Draft(Entry.Kind.OPERATOR, new Bodies.Operator("alpha", true).encode())));
        syncAll(fa, alpha);
        syncAll(fa, bravo);
        // alpha builds a chain that enrols a node, which only the authority may do, and signs it
        Entry bad = new Entry("alpha", 0, lab.clock.millis(), Entry.Kind.ENROL,
                new Bodies.Enrol(charlie.certificate.getEncoded()).encode());
        ChainTree t = new ChainTree(io.aethercore.api.merkle.MerkleHasher.sha256());
        t.appendEntry(bad.encode());
        byte[] note = CheckpointNotes.toNote(CheckpointNotes.sign(new Checkpoint(bravo.gospel.origin("alpha"), 1, t.root(1),
                lab.clock.instant()), "alpha", alpha.publicKey(), m -> MeshFixture.sign(alpha.key, "Ed25519", m)))
                .getBytes(StandardCharsets.UTF_8);
        Gospel.Outcome o = bravo.gospel.offer(new Batch("alpha", 0, List.of(bad.encode()), List.of(), note));
        assertEquals(Status.REFUSED, o.status());
        assertTrue(o.reason().contains("only the Federation Authority enrols"), o.reason());
        assertEquals(0, bravo.gospel.size("alpha"));
        assertTrue(bravo.gospel.batch("alpha", 0, 10, 1000).isEmpty(), "never propagated");
    }

    @Test
    void twoSignedTreesOfOneSizeAreAFork() throws Exception {
        fa.gospel.append(List.of(new Gospel.Draft(Entry.Kind.OPERATOR, new Bodies.Operator("alpha", true).encode())));
        syncAll(fa, alpha);
        syncAll(fa, bravo);
        syncAll(fa, charlie);
        // alpha signs one entry; a copy of alpha's state signs another at the same index
        GospelLab.VirtualClock clock = lab.clock;
        Gospel twin = new Gospel("fa-1", lab.root, 1, new MemoryJournal(), MeshFixture.CHECK, clock, (e, b, r) -> { });
        for (Gospel.Head h : fa.gospel.summary().heads()) {
            var b = fa.gospel.batch(h.author(), 0, 1024, 60_000).orElseThrow();
            assertEquals(Status.ACCEPTED, twin.offer(b).status());
        }
        twin.author(new Gospel.Author("alpha", alpha.publicKey(), m -> MeshFixture.sign(alpha.key, "Ed25519", m)));
        alpha.gospel.append(List.of(GospelLab.note("version one")));
        twin.append(List.of(GospelLab.note("version two")));
        assertEquals(Status.ACCEPTED, bravo.gospel.offer(alpha.gospel.batch("alpha", 0, 10, 1000).orElseThrow()).status());
        Batch other = twin.batch("alpha", 0, 10, 1000).orElseThrow();
        Gospel.Outcome o = bravo.gospel.offer(other);
        assertEquals(Status.FORKED, o.status(), o.reason());
        assertEquals(1, bravo.forks.size());
        Gospel.ForkProof proof = bravo.forks.get(0);
        assertEquals("alpha", proof.author());
        // both checkpoints verify under alpha's key, at one size, with different roots
        var mine = CheckpointNotes.parse(proof.mine());
        var theirs = CheckpointNotes.parse(proof.theirs());
        CheckpointNotes.verify(mine, "alpha", alpha.publicKey(), MeshFixture.CHECK::verify);
        CheckpointNotes.verify(theirs, "alpha", alpha.publicKey(), MeshFixture.CHECK::verify);
        assertEquals(mine.checkpoint().size(), theirs.checkpoint().size());
        assertFalse(java.util.Arrays.equals(mine.checkpoint().root(), theirs.checkpoint().root()));
        // the chain is frozen on bravo: nothing more of alpha is taken or served
        alpha.gospel.append(List.of(GospelLab.note("more")));
        assertEquals(Status.KNOWN, bravo.gospel.offer(alpha.gospel.batch("alpha", 1, 10, 1000).orElseThrow()).status());
        assertTrue(bravo.gospel.batch("alpha", 0, 10, 1000).isEmpty());
    }

    @Test
    void aPurgedAuthorsLaterEntriesAreVoidEverywhere() throws Exception {
        fa.gospel.append(List.of(new Gospel.Draft(Entry.Kind.OPERATOR, new Bodies.Operator("alpha", true).encode())));
        syncAll(fa, alpha);
        alpha.gospel.append(List.of(GospelLab.note("before")));
        syncAll(alpha, fa);
        fa.gospel.purge("alpha", Reason.OPERATOR_OVERRIDE, "test");
        alpha.gospel.append(List.of(GospelLab.note("after: void")));
        syncAll(fa, bravo);
        Gospel.Outcome o = copy(alpha, bravo, "alpha");
        assertEquals(Status.REFUSED, o.status());
        assertTrue(o.reason().contains("purged"), o.reason());
        syncAll(fa, bravo);
        assertEquals(1, bravo.gospel.size("alpha"), "the entry before the cutoff is valid, from a peer that serves it");
        assertArrayEquals(fa.gospel.summary().root(), bravo.gospel.summary().root());
        assertEquals(Reason.OPERATOR_OVERRIDE, bravo.gospel.revocation("alpha").orElseThrow());
        assertFalse(bravo.gospel.isAuthority("alpha"), "a purged node cannot purge others");
        // a purged NodeID cannot enrol again
        GospelException e = assertThrows(GospelException.class, () -> fa.gospel.append(List.of(new Gospel.Draft(
                Entry.Kind.ENROL, new Bodies.Enrol(lab.certify(alpha).getEncoded()).encode()))));
        assertTrue(e.getMessage().contains("new NodeID"), e.getMessage());
    }

    @Test
    void aConfigurationChangeWaitsForItsQuorum() throws Exception {
        lab = new GospelLab("fa-1", 2, 12);
        fa = lab.add("fa-1", true);
        alpha = lab.add("alpha", true);
        bravo = lab.add("bravo", true);
        lab.seedAuthority(List.of(alpha, bravo));
        fa.gospel.append(List.of(new Gospel.Draft(Entry.Kind.OPERATOR, new Bodies.Operator("alpha", true).encode()),
                new Gospel.Draft(Entry.Kind.OPERATOR, new Bodies.Operator("bravo", true).encode())));
        syncAll(fa, alpha);
        syncAll(fa, bravo);
        List<Entry> proposed = alpha.gospel.append(List.of(new Gospel.Draft(Entry.Kind.CONFIG,
                new Bodies.Config(MeshKeys.HEALTHY, "0.8").encode())));
        syncAll(alpha, bravo);
        assertTrue(bravo.gospel.configuration().isEmpty(), "one approval of two: not applied");
        byte[] leaf = bravo.gospel.leafHash("alpha", proposed.get(0).seq()).orElseThrow();
        bravo.gospel.append(List.of(new Gospel.Draft(Entry.Kind.APPROVE, new Bodies.Approve(leaf).encode())));
        assertEquals("0.8", bravo.gospel.configuration().get(MeshKeys.HEALTHY));
        syncAll(bravo, alpha);
        syncAll(alpha, fa);
        syncAll(bravo, fa);
        assertEquals("0.8", fa.gospel.configuration().get(MeshKeys.HEALTHY));
        GospelException e = assertThrows(GospelException.class, () -> alpha.gospel.append(List.of(new Gospel.Draft(
                Entry.Kind.CONFIG, new Bodies.Config("heartbeat_seconds", "3").encode()))));
        assertTrue(e.getMessage().contains("not a mesh-wide key"), e.getMessage());
    }

    @Test
    void theJournalRebuildsTheSameGospel() throws Exception {
        fa.gospel.append(List.of(GospelLab.note("one"), GospelLab.note("two")));
        syncAll(fa, alpha);
        byte[] root = alpha.gospel.summary().root();
        alpha.applied.clear();
        alpha.start();
        assertArrayEquals(root, alpha.gospel.summary().root());
        assertEquals(6, alpha.applied.size());
    }

    @Test
    void hostileBytesAreWireErrorsNeverCrashes() throws Exception {
        fa.gospel.append(List.of(GospelLab.note("fuzz me")));
        Batch b = fa.gospel.batch("fa-1", 0, 1024, 60_000).orElseThrow();
        byte[] wire = MeshCodec.encode(GospelSync.toWire(b));
        Random r = new Random(5);
        int decoded = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] m = wire.clone();
            int flips = 1 + r.nextInt(4);
            for (int f = 0; f < flips; f++) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            if (r.nextBoolean()) {
                m = java.util.Arrays.copyOf(m, r.nextInt(m.length + 1));
            }
            try {
                MeshMessage msg = MeshCodec.decode(m);
                decoded++;
                if (msg instanceof MeshMessage.GospelBatch g) {
                    Gospel.Outcome o = alpha.gospel.offer(new Batch(g.author(), g.from(), g.entries(), g.proof(), g.note()));
                    assertTrue(o.status() != Status.ACCEPTED || java.util.Arrays.equals(m, wire)
                            || alpha.gospel.size("fa-1") <= 5, "only the true batch is accepted");
                }
            } catch (WireException expected) {
                // refused with a reason
            }
        }
        assertTrue(decoded < 5_000);
        for (int i = 0; i < 2_000; i++) {
            byte[] e = new byte[r.nextInt(80)];
            r.nextBytes(e);
            try {
                Entry.decode(e);
            } catch (WireException expected) {
                // fine
            }
        }
    }
}
