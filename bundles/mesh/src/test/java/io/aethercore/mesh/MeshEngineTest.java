package io.aethercore.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.AttestationException;
import io.aethercore.api.attestation.AttestationKey;
import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.attestation.CredentialChallenge;
import io.aethercore.api.attestation.EndorsementKey;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.attestation.TpmInfo;
import io.aethercore.api.mesh.Enrollment;
import io.aethercore.api.mesh.NodeRecord;
import io.aethercore.api.mesh.NodeStatus;
import io.aethercore.mesh.MeshFixture.TestNode;
import io.aethercore.mesh.pki.GenesisPayload;
import io.aethercore.mesh.pki.GenesisPayload.PcrPolicy;
import io.aethercore.mesh.pki.NodeCertificates;
import io.aethercore.testing.swtpm.Swtpm;
import io.aethercore.tpm.internal.SoftwareAttestation;
import io.aethercore.tpm.internal.TpmAttestation;
import io.aethercore.tpm.internal.TpmSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The enrollment protocol and the registry end to end in one JVM: an authority and members over the
 * in-memory link, each member with its own swtpm (one on software attestation), the real engine. The
 * refusals of the issue, each with the message an operator reads.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshEngineTest {

    @TempDir
    static Path dir;

    static final List<Swtpm> TPMS = new ArrayList<>();
    static final List<TpmSession> SESSIONS = new ArrayList<>();
    static MeshFixture fixture;
    static TestNode fa, alpha, bravo, charlie;
    static GenesisPayload genesis;

    static TpmAttestation tpm() throws Exception {
        Swtpm s = Swtpm.start();
        TPMS.add(s);
        TpmSession session = TpmSession.simulator(s.host(), s.port());
        SESSIONS.add(session);
        return new TpmAttestation(session);
    }

    @BeforeAll
    static void federation() throws Exception {
        fixture = new MeshFixture(dir);
        fa = fixture.node("fa-1", tpm());
        // the reference platform: a fresh swtpm's PCRs, as every fresh swtpm has them
        PcrPolicy policy = new PcrPolicy(PcrSelection.PLAYBOOK, fa.attestation.readPcrs(PcrSelection.PLAYBOOK));
        alpha = fixture.node("unit-alpha-7", tpm());
        bravo = fixture.node("unit-bravo-3", tpm());
        charlie = fixture.node("unit-charlie-1", new SoftwareAttestation());
        genesis = fixture.genesis(fa, policy, true, Duration.ofSeconds(3));
        fa.startAuthority(genesis);
        alpha.startMember(genesis);
        bravo.startMember(genesis);
        charlie.startMember(genesis);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
        for (TpmSession s : SESSIONS) {
            s.close();
        }
        for (Swtpm s : TPMS) {
            s.close();
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    static Optional<NodeStatus> status(TestNode at, String of) {
        return at.registry.node(of).map(NodeRecord::status);
    }

    @Test
    @Order(1)
    void everyNodeEnrolsAndEveryNodeSeesEveryNodeHealthy() throws Exception {
        for (TestNode n : List.of(alpha, bravo, charlie)) {
            await(n.name + " enrolled", Duration.ofSeconds(30), () -> n.client.status().state() == Enrollment.State.ENROLLED);
            NodeCertificates.verify(n.client.status().certificate(), fixture.root, java.time.Instant.now());
            assertEquals(n.name, NodeCertificates.read(n.client.status().certificate()).nodeId());
        }
        assertEquals(AttestationKind.SOFTWARE, NodeCertificates.read(charlie.client.status().certificate()).attestation(),
                "a software-attested node stays marked software in its certificate");
        assertNotNull(NodeCertificates.read(alpha.client.status().certificate()).attestationKey(),
                "a TPM node's certificate carries its attestation key");
        for (TestNode at : List.of(fa, alpha, bravo, charlie)) {
            for (TestNode of : List.of(fa, alpha, bravo, charlie)) {
                await(at.name + " sees " + of.name + " HEALTHY", Duration.ofSeconds(20),
                        () -> status(at, of.name).equals(Optional.of(NodeStatus.HEALTHY)));
            }
        }
        NodeRecord c = alpha.registry.node(charlie.name).orElseThrow();
        assertEquals(AttestationKind.SOFTWARE, c.attestation());
        assertTrue(c.trust().value() < alpha.registry.node(bravo.name).orElseThrow().trust().value(),
                "software attestation scores lower than a TPM");
    }

    @Test
    @Order(2)
    void membersPinEachOtherFromTheFederationWithNoPerPeerConfiguration() {
        // alpha never had bravo configured: the pin comes from bravo's certificate via the directory
        assertTrue(alpha.trust.current(bravo.name, io.aethercore.api.crypto.KeyAlgorithm.ML_DSA_87, java.time.Instant.now())
                .filter(k -> k.equals(bravo.mlDsa)).isPresent());
        assertTrue(bravo.trust.peerFor(charlie.mlDsa, java.time.Instant.now()).filter(charlie.name::equals).isPresent());
    }

    @Test
    @Order(3)
    void anAttestationKeyNotBoundToTheEndorsementKeyIsRefused() throws Exception {
        TpmAttestation other = tpm();
        TpmAttestation own = tpm();
        // EK of one TPM, AK (and quotes, and ActivateCredential) of another
        TestNode mixed = fixture.node("unit-mixed-1", new Mixed(other, own));
        mixed.startMember(genesis);
        await("refusal", Duration.ofSeconds(30), () -> mixed.client.status().state() == Enrollment.State.REFUSED);
        String m = mixed.client.status().message();
        assertTrue(m.contains("Enrollment refused by the Federation Authority") && m.contains("not bound to the endorsement key")
                || m.contains("attestation key or endorsement key refused"), m);
        assertTrue(fa.registry.node("unit-mixed-1").isEmpty());
    }

    @Test
    @Order(4)
    void aPlatformWithOtherPcrValuesIsRefusedNamingThePcr() throws Exception {
        TpmAttestation changed = tpm();
        changed.extendPcr(PcrSelection.Bank.SHA256, 7, new byte[32]);
        TestNode node = fixture.node("unit-delta-4", changed);
        node.startMember(genesis);
        await("refusal", Duration.ofSeconds(30), () -> node.client.status().state() == Enrollment.State.REFUSED);
        String m = node.client.status().message();
        assertTrue(m.contains("TPM Quote verification failed: PCR 7 differs"), m);
    }

    @Test
    @Order(5)
    void aSecondNodeClaimingAnEnrolledNodeIdIsRefused() throws Exception {
        TestNode impostor = fixture.node("unit-bravo-3", new SoftwareAttestation());
        impostor.startMember(genesis);
        await("refusal", Duration.ofSeconds(30), () -> impostor.client.status().state() == Enrollment.State.REFUSED);
        assertTrue(impostor.client.status().message().contains("NodeID 'unit-bravo-3' is already enrolled with another key"),
                impostor.client.status().message());
        impostor.stop();
    }

    @Test
    @Order(6)
    void aPcrChangeAfterEnrollmentMakesTheNodeCompromisedOnEveryPeerWithinOneInterval() throws Exception {
        long t0 = System.nanoTime();
        ((TpmAttestation) bravo.attestation).extendPcr(PcrSelection.Bank.SHA256, 2, new byte[32]);
        for (TestNode at : List.of(fa, alpha, charlie)) {
            await(at.name + " sees bravo COMPROMISED", Duration.ofSeconds(10),
                    () -> status(at, bravo.name).equals(Optional.of(NodeStatus.COMPROMISED)));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String why = alpha.registry.node(bravo.name).orElseThrow().attestationFailure();
        assertTrue(why.contains("PCR 2 differs"), why);
        assertTrue(ms < genesis.parameters().reattestationInterval().toMillis(),
                "COMPROMISED everywhere after " + ms + " ms");
        // liveness is untouched: it is the attestation, not silence, that condemned it
        assertEquals(NodeStatus.HEALTHY, status(alpha, charlie.name).orElseThrow());
    }

    /** EK from one TPM, everything else from another: an AK that is not bound to the EK presented. */
    record Mixed(Attestation ekSource, Attestation rest) implements Attestation {
        @Override
        public AttestationKind kind() {
            return AttestationKind.TPM;
        }

        @Override
        public TpmInfo info() throws AttestationException {
            return rest.info();
        }

        @Override
        public PcrValues readPcrs(PcrSelection selection) throws AttestationException {
            return rest.readPcrs(selection);
        }

        @Override
        public AttestationKey attestationKey() throws AttestationException {
            return rest.attestationKey();
        }

        @Override
        public Quote quote(byte[] nonce, PcrSelection selection) throws AttestationException {
            return rest.quote(nonce, selection);
        }

        @Override
        public Optional<EndorsementKey> endorsementKey() throws AttestationException {
            return ekSource.endorsementKey();
        }

        @Override
        public byte[] activateCredential(CredentialChallenge challenge) throws AttestationException {
            return rest.activateCredential(challenge);
        }
    }
}
