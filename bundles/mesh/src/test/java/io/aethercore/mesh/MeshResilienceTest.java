package io.aethercore.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.mesh.Enrollment;
import io.aethercore.mesh.MeshFixture.TestNode;
import io.aethercore.mesh.pki.GenesisPayload;
import io.aethercore.tpm.internal.SoftwareAttestation;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enrollment is retried with backoff and idempotent: it completes when the authority comes up late, and
 * when half of the messages in each direction are lost.
 */
class MeshResilienceTest {

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
    void aNodeStartedBeforeItsAuthorityEnrolsOnceTheAuthorityIsUp() throws Exception {
        fixture = new MeshFixture(dir);
        TestNode fa = fixture.node("fa-1", new SoftwareAttestation());
        TestNode node = fixture.node("unit-alpha-7", new SoftwareAttestation());
        GenesisPayload g = fixture.genesis(fa, MeshFixture.anyPcrs(), true, Duration.ofSeconds(60));
        node.startMember(g);
        Thread.sleep(2500); // the authority is not there: attempts fail and back off
        assertEquals(Enrollment.State.ENROLLING, node.client.status().state());
        assertTrue(node.client.status().attempts() >= 2, node.client.status().toString());
        fa.startAuthority(g);
        MeshEngineTest.await("enrolled", Duration.ofSeconds(30),
                () -> node.client.status().state() == Enrollment.State.ENROLLED);
    }

    @Test
    void enrollmentCompletesWhenHalfOfAllMessagesAreLost() throws Exception {
        fixture = new MeshFixture(dir);
        TestNode fa = fixture.node("fa-1", new SoftwareAttestation());
        GenesisPayload g = fixture.genesis(fa, MeshFixture.anyPcrs(), true, Duration.ofSeconds(60));
        fa.startAuthority(g);
        fixture.net.loss(0.5);
        TestNode[] nodes = new TestNode[5];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = fixture.node("unit-" + i, new SoftwareAttestation());
            nodes[i].startMember(g);
        }
        for (TestNode n : nodes) {
            MeshEngineTest.await(n.name + " enrolled", Duration.ofSeconds(60),
                    () -> n.client.status().state() == Enrollment.State.ENROLLED);
        }
        // resends within an exchange get the same certificate; a node whose whole exchange was lost starts a
        // new one (and may get a second certificate for the same keys, which replaces nothing)
        assertTrue(fa.authority.counters().accepted() >= nodes.length);
        assertEquals(nodes.length + 1, fa.registry.nodes().size(), "each node once in the registry");
    }
}
