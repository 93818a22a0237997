package io.aethercore.mesh.enrol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.mesh.MeshFixture;
import io.aethercore.mesh.MeshFixture.TestNode;
import io.aethercore.mesh.link.MeshLink.Channel;
import io.aethercore.mesh.pki.GenesisPayload;
import io.aethercore.mesh.registry.Registry;
import io.aethercore.mesh.wire.MeshCodec;
import io.aethercore.mesh.wire.MeshMessage.EnrolChallenge;
import io.aethercore.mesh.wire.MeshMessage.EnrolHello;
import io.aethercore.mesh.wire.MeshMessage.EnrolProof;
import io.aethercore.mesh.wire.MeshMessage.EnrolResult;
import io.aethercore.tpm.internal.SoftwareAttestation;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The authority's checks message by message: what a dishonest or confused node gets back. */
class AuthorityTest {

    @TempDir
    Path dir;

    MeshFixture fixture;
    TestNode fa, node;
    Authority authority;
    Channel session;
    final SecureRandom random = new SecureRandom();

    @BeforeEach
    void setUp() throws Exception {
        fixture = new MeshFixture(dir);
        fa = fixture.node("fa-1", new SoftwareAttestation());
        node = fixture.node("unit-alpha-7", new SoftwareAttestation());
        GenesisPayload g = fixture.genesis(fa, MeshFixture.anyPcrs(), true, Duration.ofSeconds(60));
        Registry registry = fa.newRegistry(g);
        Federation f = new Federation(fixture.root, m -> MeshFixture.sign(fixture.rootKey, "Ed25519", m),
                KeyAlgorithm.ED25519, g, Duration.ofDays(1));
        authority = new Authority(f, registry, MeshFixture.CHECK, Clock.systemUTC(), random, (c, id) -> { });
        session = channel(node.mlDsa.fingerprint());
    }

    static Channel channel(String fingerprint) {
        return MeshFixture.unpinnedChannel(fingerprint);
    }

    EnrolHello hello(TestNode n) throws Exception {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return new EnrolHello(id, n.name, EnrolHello.KIND_SOFTWARE, new byte[0], new byte[0],
                n.attestation.attestationKey().tpmPublic(), n.nodeKey.handle().publicKey().toSpki(), n.x25519.encoded(),
                n.mlDsa.toSpki(), "localhost:4001");
    }

    EnrolProof proof(TestNode n, EnrolHello h, EnrolChallenge c, Quote q) throws Exception {
        byte[] sig = n.nodeKey.sign(Transcripts.enrollment(MeshCodec.encode(h), MeshCodec.encode(c), q.attest()));
        return new EnrolProof(h.requestId(), new byte[0], q.attest(), q.signature(), q.pcrValues().concatenated(), sig);
    }

    @Test
    void anHonestExchangeEndsWithACertificateAndRepeatsGetTheSameAnswers() throws Exception {
        EnrolHello h = hello(node);
        EnrolChallenge c = assertInstanceOf(EnrolChallenge.class, authority.hello(session, h, MeshCodec.encode(h)));
        EnrolChallenge again = assertInstanceOf(EnrolChallenge.class, authority.hello(session, h, MeshCodec.encode(h)));
        assertArrayEquals(c.nonce(), again.nonce(), "a resent hello gets the same challenge");
        Quote q = node.attestation.quote(c.nonce(), PcrSelection.PLAYBOOK);
        EnrolResult r = authority.proof(session, proof(node, h, c, q));
        assertEquals(EnrolResult.ACCEPTED, r.status(), r.message());
        EnrolResult r2 = authority.proof(session, proof(node, h, c, q));
        assertArrayEquals(r.certificate(), r2.certificate(), "a resent proof gets the same certificate");
        assertEquals(1, authority.counters().accepted());
    }

    @Test
    void aQuoteOverAnEarlierChallengesNonceIsAReplay() throws Exception {
        EnrolHello h1 = hello(node);
        EnrolChallenge c1 = (EnrolChallenge) authority.hello(session, h1, MeshCodec.encode(h1));
        Quote old = node.attestation.quote(c1.nonce(), PcrSelection.PLAYBOOK);
        EnrolHello h2 = hello(node);
        EnrolChallenge c2 = (EnrolChallenge) authority.hello(session, h2, MeshCodec.encode(h2));
        EnrolResult r = authority.proof(session, proof(node, h2, c2, old));
        assertEquals(EnrolResult.REFUSED, r.status());
        assertTrue(r.message().contains("replayed quote"), r.message());
    }

    @Test
    void aSignatureByAnotherKeyThanTheNodeKeyIsRefused() throws Exception {
        EnrolHello h = hello(node);
        EnrolChallenge c = (EnrolChallenge) authority.hello(session, h, MeshCodec.encode(h));
        Quote q = node.attestation.quote(c.nonce(), PcrSelection.PLAYBOOK);
        EnrolProof forged = proof(fa, h, c, q); // signed by another node's key
        EnrolResult r = authority.proof(session, forged);
        assertEquals(EnrolResult.REFUSED, r.status());
        assertTrue(r.message().contains("node key's signature over the enrollment does not verify"), r.message());
    }

    @Test
    void aHelloNamingAnotherB4aeKeyThanTheSessionsIsRefused() throws Exception {
        EnrolHello h = hello(node);
        Object answer = authority.hello(channel(fa.mlDsa.fingerprint()), h, MeshCodec.encode(h));
        EnrolResult r = assertInstanceOf(EnrolResult.class, answer);
        assertEquals(EnrolResult.REFUSED, r.status());
        assertTrue(r.message().contains("not the key that authenticated the session"), r.message());
    }

    @Test
    void aProofForAnExchangeTheAuthorityDoesNotKnowAsksToStartAgain() throws Exception {
        EnrolHello h = hello(node);
        EnrolChallenge c = new EnrolChallenge(h.requestId(), new byte[32], new byte[0], new byte[0], "sha256:0,1,2,7");
        Quote q = node.attestation.quote(c.nonce(), PcrSelection.PLAYBOOK);
        EnrolResult r = authority.proof(session, proof(node, h, c, q));
        assertEquals(EnrolResult.RETRY, r.status(), "after an authority restart the node starts again");
    }

    @Test
    void softwareAttestationIsRefusedWhenThePolicyForbidsIt() throws Exception {
        GenesisPayload strict = fixture.genesis(fa, MeshFixture.anyPcrs(), false, Duration.ofSeconds(60));
        Authority a = new Authority(new Federation(fixture.root, m -> MeshFixture.sign(fixture.rootKey, "Ed25519", m),
                KeyAlgorithm.ED25519, strict, Duration.ofDays(1)), fa.newRegistry(strict), MeshFixture.CHECK,
                Clock.systemUTC(), random, (c, id) -> { });
        EnrolHello h = hello(node);
        EnrolResult r = assertInstanceOf(EnrolResult.class, a.hello(session, h, MeshCodec.encode(h)));
        assertTrue(r.message().contains("software attestation is not allowed"), r.message());
    }
}
