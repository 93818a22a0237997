package io.aethercore.mesh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.mesh.Enrollment;
import io.aethercore.api.mesh.MeshEvent;
import io.aethercore.api.mesh.NodeStatus;
import io.aethercore.mesh.MeshFixture.TestNode;
import io.aethercore.mesh.gospel.Reason;
import io.aethercore.mesh.pki.GenesisPayload;
import io.aethercore.tpm.internal.SoftwareAttestation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Gospel inside the mesh engine: the authority records every enrollment, members rebuild their registry
 * from it, a purge reaches every member, unpins the purged node and publishes the sweep's events, and a
 * restarted member rebuilds its registry from its journal.
 */
class MeshGospelTest {

    @TempDir
    Path dir;

    MeshFixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aNodeKeyMovedAfterJoiningSignsNothingAndSaysWhy() throws Exception {
        fixture = new MeshFixture(dir);
        TestNode fa = fixture.node("fa-1", new SoftwareAttestation());
        GenesisPayload g = fixture.genesis(fa, MeshFixture.anyPcrs(), true, Duration.ofSeconds(60));
        fa.startAuthority(g);
        TestNode m = fixture.node("unit-0", new SoftwareAttestation());
        m.startMember(g);
        MeshEngineTest.await("enrolled", Duration.ofSeconds(30), () -> m.client.status().state() == Enrollment.State.ENROLLED);
        long before = fa.node().gospel().size("fa-1");
        // a PKCS#11 token configured later: the node-key policy moves the key to it
        fa.moveNodeKey();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> fa.node().gospel().purge("unit-0", Reason.OPERATOR_OVERRIDE, "after the move"));
        String why = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
        assertTrue(why.contains("node signing key changed after this node joined the mesh")
                && why.contains("pkcs11:token/node-signing"), why);
        assertEquals(before, fa.node().gospel().size("fa-1"), "nothing unverifiable was appended");
        assertTrue(m.registry.node("unit-0").map(r -> r.status() != NodeStatus.PURGED).orElse(true));
    }

    @Test
    void enrollmentsAndAPurgeTravelInTheGospel() throws Exception {
        fixture = new MeshFixture(dir);
        TestNode fa = fixture.node("fa-1", new SoftwareAttestation());
        GenesisPayload g = fixture.genesis(fa, MeshFixture.anyPcrs(), true, Duration.ofSeconds(60));
        fa.startAuthority(g);
        TestNode[] members = new TestNode[3];
        for (int i = 0; i < members.length; i++) {
            members[i] = fixture.node("unit-" + i, new SoftwareAttestation());
            members[i].startMember(g);
        }
        for (TestNode n : members) {
            MeshEngineTest.await(n.name + " enrolled", Duration.ofSeconds(30),
                    () -> n.client.status().state() == Enrollment.State.ENROLLED);
        }
        byte[] root = fa.node().gospel().summary().root();
        MeshEngineTest.await("every member holds the authority's Gospel", Duration.ofSeconds(20), () -> {
            byte[] r = fa.node().gospel().summary().root();
            for (TestNode n : members) {
                if (!java.util.Arrays.equals(n.node().gospel().summary().root(), r)) {
                    return false;
                }
            }
            return true;
        });
        assertEquals(4, fa.node().gospel().size("fa-1"), "the authority's certificate, then one per member");
        assertTrue(root.length == 32);

        fa.node().gospel().purge("unit-2", Reason.IDENTITY_COLLAPSE, "cloned disk");
        for (TestNode n : List.of(fa, members[0], members[1])) {
            MeshEngineTest.await(n.name + " sees the purge", Duration.ofSeconds(20),
                    () -> n.registry.node("unit-2").map(r -> r.status() == NodeStatus.PURGED).orElse(false));
            assertTrue(n.trust.current("unit-2", KeyAlgorithm.ML_DSA_87, Instant.now()).isEmpty(), "unpinned on " + n.name);
        }
        for (TestNode n : List.of(members[0], members[1])) {
            MeshEngineTest.await(n.name + " publishes the sweep", Duration.ofSeconds(5), () -> n.events.stream()
                    .anyMatch(e -> e.type() == MeshEvent.Type.SWEEP_COMPLETED && e.nodeId().equals("unit-2")));
            assertTrue(n.events.stream().anyMatch(e -> e.type() == MeshEvent.Type.REVOKED && e.nodeId().equals("unit-2")
                    && e.detail().startsWith("IdentityCollapse by fa-1")), n.events.toString());
        }

        // a member restarted on its journal: the registry is rebuilt from the Gospel, the purge included
        members[0].stop();
        TestNode again = fixture.node("unit-0", new SoftwareAttestation());
        again.journal = members[0].journal;
        again.registry = again.newRegistry(g);
        MeshNode rebuilt = new MeshNode("unit-0", g, again.registry, fixture.net.join("unit-0", again.mlDsa, again.trust,
                java.util.concurrent.Executors.newSingleThreadExecutor(), false), again.trust, again.attestation,
                again.nodeKey, java.time.Clock.systemUTC(), null, null, again.workers, again.parts());
        assertArrayEquals(members[0].node().gospel().summary().root(), rebuilt.gospel().summary().root());
        assertEquals(NodeStatus.PURGED, again.registry.node("unit-2").orElseThrow().status());
        assertTrue(again.registry.node("unit-1").isPresent());
        rebuilt.close();
    }
}
