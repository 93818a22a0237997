package io.aethercore.mesh.gospel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.mesh.gospel.GospelLab.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Anti-entropy in virtual time over a lossy network: real Gospels, real codec, every message dropped with
 * the given probability each way. The bounds asserted are the playbook's, with margin; the measured figures
 * are in docs/PERFORMANCE.md ("Gospel sync (simulated scale)", benchmarks/GospelSyncScale).
 */
class GospelSyncTest {

    static GospelLab federation(int members, long seed) throws Exception {
        GospelLab lab = new GospelLab("fa-1", 1, seed);
        lab.add("fa-1", true);
        List<Node> enrolled = new ArrayList<>();
        for (int i = 1; i <= members; i++) {
            enrolled.add(lab.add("unit-" + i, true));
        }
        lab.seedAuthority(enrolled);
        assertTrue(lab.runUntil(10_000, () -> lab.converged(lab.node("fa-1"))) >= 0, "initial sync");
        return lab;
    }

    @ParameterizedTest(name = "{0} % loss")
    @ValueSource(ints = {0, 50, 80, 90})
    void oneNewEntryReachesEveryNode(int loss) throws Exception {
        GospelLab lab = federation(4, 100 + loss);
        lab.loss(loss / 100.0);
        Node fa = lab.node("fa-1");
        fa.gospel.append(List.of(GospelLab.note("contested mode drill")));
        long took = lab.runUntil(loss >= 90 ? 120_000 : 30_000, () -> lab.converged(fa));
        System.out.printf("GospelSyncTest: 5 nodes, %d %% loss: converged in %d ms (virtual)%n", loss, took);
        assertTrue(took >= 0, "not converged at " + loss + " % loss");
        if (loss <= 80) {
            assertTrue(took <= 30_000, "playbook bound: 30 s at 80 % loss, took " + took);
        }
        // and once the loss is gone, the mesh settles: every peer agrees, every node says so
        lab.loss(0);
        long settle = lab.runUntil(10_000, () -> lab.nodes().stream().allMatch(n -> n.sync.peers().stream()
                .allMatch(GospelSync.PeerView::agrees)));
        assertTrue(settle >= 0 && settle <= 10_000, "settled after the loss: " + settle);
    }

    @Test
    void twoHalvesAppendOnTheirOwnSidesThenHealAndConverge() throws Exception {
        GospelLab lab = federation(4, 7);
        Node fa = lab.node("fa-1");
        fa.gospel.append(List.of(new Gospel.Draft(Entry.Kind.OPERATOR, new Bodies.Operator("unit-3", true).encode())));
        assertTrue(lab.runUntil(10_000, () -> lab.converged(fa)) >= 0);
        lab.partition(Set.of("fa-1", "unit-1", "unit-2"));
        fa.gospel.append(List.of(GospelLab.note("west side")));
        lab.node("unit-3").gospel.append(List.of(GospelLab.note("east side")));
        lab.runUntil(3_000, () -> false);
        assertFalse(java.util.Arrays.equals(lab.node("unit-1").gospel.summary().root(),
                lab.node("unit-4").gospel.summary().root()), "the halves differ while cut");
        assertEquals(GospelSync.MeshState.RESYNCING, lab.node("unit-1").sync.state());
        lab.heal();
        long took = lab.runUntil(10_000, () -> lab.converged(fa));
        assertTrue(took >= 0 && took <= 10_000, "converged after healing: " + took);
        assertEquals(2, fa.gospel.entries().stream().filter(e -> e.kind() == Entry.Kind.NOTE).count());
        assertTrue(lab.runUntil(5_000, () -> !fa.resyncs.isEmpty()) >= 0, "Mesh Resync Complete after the heal");
    }

    @Test
    void aPurgeReachesEveryNodeAt80PercentLossAndThePurgedNodeIsCutOff() throws Exception {
        GospelLab lab = federation(4, 21);
        lab.loss(0.8);
        Node fa = lab.node("fa-1");
        fa.gospel.purge("unit-4", Reason.ATTESTATION_FAILURE, "PCR 7 changed");
        long took = lab.runUntil(30_000, () -> lab.nodes().stream().filter(n -> !n.name.equals("unit-4"))
                .allMatch(n -> n.gospel.revocation("unit-4").isPresent()));
        System.out.printf("GospelSyncTest: purge at 80 %% loss reached every peer in %d ms (virtual)%n", took);
        assertTrue(took >= 0 && took <= 30_000, "purge propagated: " + took);
        for (Node n : lab.nodes()) {
            if (!n.name.equals("unit-4")) {
                assertFalse(n.sync.peers().stream().anyMatch(p -> p.peer().equals("unit-4")), n.name + " still syncs with it");
            }
        }
        // the purged node's messages are dropped: it learns nothing more
        lab.loss(0);
        fa.gospel.append(List.of(GospelLab.note("after the purge")));
        lab.runUntil(5_000, () -> false);
        assertTrue(lab.node("unit-4").gospel.summary().size() < fa.gospel.summary().size());
    }

    @Test
    void aNodeThatMissed10000EntriesCatchesUp() throws Exception {
        GospelLab lab = federation(3, 5);
        Node fa = lab.node("fa-1");
        Node late = lab.node("unit-3");
        late.stop();
        List<Gospel.Draft> drafts = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            drafts.add(GospelLab.note("maintenance log line " + i));
        }
        fa.gospel.append(drafts);
        assertTrue(lab.runUntil(20_000, () -> lab.node("unit-1").gospel.summary().size() == fa.gospel.summary().size()) >= 0);
        late.start(); // rebuilt from its journal, as after a restart
        long took = lab.runUntil(30_000, () -> lab.converged(fa));
        System.out.printf("GospelSyncTest: 10,000 entries caught up in %d ms (virtual, 0 %% loss)%n", took);
        assertTrue(took >= 0, "caught up");
        assertArrayEquals(fa.gospel.summary().root(), late.gospel.summary().root());
    }

    @Test
    void aLongGapClosesAt80PercentLoss() throws Exception {
        GospelLab lab = federation(3, 6);
        Node fa = lab.node("fa-1");
        Node late = lab.node("unit-3");
        late.stop();
        List<Gospel.Draft> drafts = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            drafts.add(GospelLab.note("maintenance log line " + i));
        }
        fa.gospel.append(drafts);
        assertTrue(lab.runUntil(20_000, () -> lab.node("unit-1").gospel.summary().size() == fa.gospel.summary().size()) >= 0);
        lab.loss(0.8);
        late.start();
        long took = lab.runUntil(120_000, () -> lab.converged(fa));
        System.out.printf("GospelSyncTest: 2,000 entries caught up at 80 %% loss in %d ms (virtual)%n", took);
        assertTrue(took >= 0, "caught up at 80 % loss");
    }

    @Test
    void aForkingAuthorIsDetectedAndItsConflictingEntryNeverSpreads() throws Exception {
        GospelLab lab = federation(4, 9);
        Node fa = lab.node("fa-1");
        fa.gospel.append(List.of(new Gospel.Draft(Entry.Kind.OPERATOR, new Bodies.Operator("unit-1", true).encode())));
        assertTrue(lab.runUntil(10_000, () -> lab.converged(fa)) >= 0);
        Node byz = lab.node("unit-1");
        // a twin of the Byzantine node's Gospel signs another entry at the same index
        Gospel twin = new Gospel("fa-1", lab.root, 1, new MemoryJournal(), io.aethercore.mesh.MeshFixture.CHECK, lab.clock,
                (e, b, r) -> { });
        for (Gospel.Head h : fa.gospel.summary().heads()) {
            twin.offer(fa.gospel.batch(h.author(), 0, 1024, 60_000).orElseThrow());
        }
        twin.author(new Gospel.Author("unit-1", byz.publicKey(), m -> io.aethercore.mesh.MeshFixture.sign(byz.key, "Ed25519", m)));
        lab.partition(Set.of("fa-1", "unit-1", "unit-2"));
        byz.gospel.append(List.of(new Gospel.Draft(Entry.Kind.CONFIG, new Bodies.Config(MeshKeys.HEALTHY, "0.95").encode())));
        twin.append(List.of(new Gospel.Draft(Entry.Kind.CONFIG, new Bodies.Config(MeshKeys.HEALTHY, "0.5").encode())));
        // unit-3 gets the twin's version straight from the Byzantine author (it tells each half another story)
        assertEquals(Gospel.Status.ACCEPTED, lab.node("unit-3").gospel.offer(twin.batch("unit-1", 0, 10, 1000).orElseThrow()).status());
        lab.runUntil(3_000, () -> false);
        lab.heal();
        long took = lab.runUntil(10_000, () -> lab.nodes().stream().filter(n -> !n.forks.isEmpty()).count() >= 2);
        System.out.printf("GospelSyncTest: fork proved on %d nodes within %d ms%n",
                lab.nodes().stream().filter(n -> !n.forks.isEmpty()).count(), took);
        assertTrue(took >= 0, "the fork is proved");
        for (Node n : lab.nodes()) {
            for (Gospel.ForkProof p : n.forks) {
                assertEquals("unit-1", p.author());
            }
        }
        // nobody serves the forked chain any more, so neither version travels further
        lab.runUntil(3_000, () -> false);
        for (Node n : lab.nodes()) {
            if (!n.forks.isEmpty()) {
                assertTrue(n.gospel.batch("unit-1", 0, 10, 1000).isEmpty(), n.name);
            }
        }
    }
}
