package io.aethercore.benchmarks;

import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.mesh.NodeRecord;
import io.aethercore.b4ae.internal.PinnedTrustStore;
import io.aethercore.mesh.MeshFixture;
import io.aethercore.mesh.MeshFixture.TestNode;
import io.aethercore.mesh.MeshNode;
import io.aethercore.mesh.enrol.Authority;
import io.aethercore.mesh.enrol.Federation;
import io.aethercore.mesh.enrol.Transcripts;
import io.aethercore.mesh.pki.GenesisPayload;
import io.aethercore.mesh.pki.GenesisPayload.PcrPolicy;
import io.aethercore.mesh.registry.Registry;
import io.aethercore.mesh.wire.MeshCodec;
import io.aethercore.mesh.wire.MeshMessage;
import io.aethercore.mesh.wire.MeshMessage.AttestChallenge;
import io.aethercore.mesh.wire.MeshMessage.AttestResponse;
import io.aethercore.mesh.wire.MeshMessage.EnrolChallenge;
import io.aethercore.mesh.wire.MeshMessage.EnrolHello;
import io.aethercore.mesh.wire.MeshMessage.EnrolProof;
import io.aethercore.mesh.wire.MeshMessage.EnrolResult;
import io.aethercore.tpm.internal.SoftwareAttestation;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One re-attestation round of the Federation Authority over {@code nodes} enrolled nodes, in process:
 * the nodes use {@link SoftwareAttestation} (real TPMS_ATTEST quotes signed with a P-256 key, the same
 * structure and the same checks as a TPM's) and Ed25519 node keys, and are enrolled through the real
 * {@link Authority} in the trial set-up.
 *
 * <p>Per invocation, outside the measurement: the authority issues one challenge per node
 * ({@link Authority#reattest}, encoded as it goes on the wire; its thread CPU time is counted and
 * printed as the challenge half of the round) and every node answers it (quote, node-key signature,
 * encoded AttestResponse). Measured: what the authority's mesh dispatcher does with the answers:
 * decode, {@code registry.seen}, {@link Authority#attestResponse} (AK and the enrolled certificate,
 * quote signature, nonce, PCR selection and policy, node-key signature, registry verdict) and the
 * before/after look-up that decides a directory push. No link: MemoryNet would add a byte copy and
 * an executor hand-off per message, and the B4AE session crypto is not in MemoryNet anyway.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 4)
@Fork(1)
public class MeshReattestBench {

    @Param({"100"})
    public int nodes;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Path dir;
    private MeshFixture fixture;
    private Registry registry;
    private Authority authority;
    private final List<TestNode> members = new ArrayList<>();
    private byte[][] answers;
    private long rounds, challengeCpu, verifyCpu, verifyWall;

    @Setup(Level.Trial)
    public void federation() throws Exception {
        dir = Files.createTempDirectory("aethercore-bench-mesh-reattest-");
        fixture = new MeshFixture(dir);
        TestNode fa = fixture.node("fa-1", new SoftwareAttestation());
        SoftwareAttestation reference = new SoftwareAttestation();
        PcrPolicy policy = new PcrPolicy(PcrSelection.PLAYBOOK, reference.readPcrs(PcrSelection.PLAYBOOK));
        GenesisPayload genesis = fixture.genesis(fa, policy, true, Duration.ofSeconds(60));
        registry = fa.newRegistry(genesis);
        PinnedTrustStore trust = new PinnedTrustStore(Duration.ofDays(90), Duration.ofDays(7));
        authority = new Authority(new Federation(fixture.root, m -> MeshFixture.sign(fixture.rootKey, "Ed25519", m),
                KeyAlgorithm.ED25519, genesis, Duration.ofDays(365)), registry, MeshFixture.CHECK, Clock.systemUTC(),
                new SecureRandom(), (cert, id) -> MeshNode.pin(trust, id, cert.getNotBefore().toInstant()));
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < nodes; i++) {
            TestNode n = fixture.node(String.format("sim-%03d", i), new SoftwareAttestation());
            var channel = MeshFixture.unpinnedChannel(n.mlDsa.fingerprint());
            byte[] id = new byte[16];
            random.nextBytes(id);
            EnrolHello h = new EnrolHello(id, n.name, EnrolHello.KIND_SOFTWARE, new byte[0], new byte[0],
                    n.attestation.attestationKey().tpmPublic(), n.nodeKey.handle().publicKey().toSpki(), n.x25519.encoded(),
                    n.mlDsa.toSpki(), "localhost:4001");
            byte[] hb = MeshCodec.encode(h);
            byte[] cb = authority.handle(channel, h, hb);
            EnrolChallenge c = (EnrolChallenge) MeshCodec.decode(cb);
            Quote q = n.attestation.quote(c.nonce(), PcrSelection.parse(c.pcrSelection()));
            byte[] sig = n.nodeKey.sign(Transcripts.enrollment(hb, cb, q.attest()));
            EnrolProof p = new EnrolProof(id, new byte[0], q.attest(), q.signature(), q.pcrValues().concatenated(), sig);
            EnrolResult r = (EnrolResult) MeshCodec.decode(authority.handle(channel, p, MeshCodec.encode(p)));
            if (r.status() != EnrolResult.ACCEPTED) {
                throw new IllegalStateException(n.name + " not enrolled: " + r.message());
            }
            members.add(n);
        }
        answers = new byte[nodes][];
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        fixture.close();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The challenge half of a round (authority, CPU counted) and the nodes' answers (not counted). */
    @Setup(Level.Invocation)
    public void challengeAndAnswer() throws Exception {
        byte[][] challenges = new byte[nodes][];
        long cpu = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < nodes; i++) {
            challenges[i] = MeshCodec.encode(authority.reattest(members.get(i).name));
        }
        challengeCpu += THREADS.getCurrentThreadCpuTime() - cpu;
        for (int i = 0; i < nodes; i++) {
            TestNode n = members.get(i);
            AttestChallenge c = (AttestChallenge) MeshCodec.decode(challenges[i]);
            Quote q = n.attestation.quote(c.nonce(), PcrSelection.parse(c.pcrSelection()));
            byte[] ak = n.attestation.attestationKey().tpmPublic();
            byte[] sig = n.nodeKey.sign(Transcripts.reattestation(c.nonce(), ak, q.attest()));
            answers[i] = MeshCodec.encode(new AttestResponse(c.nonce(), ak, q.attest(), q.signature(),
                    q.pcrValues().concatenated(), sig));
        }
    }

    @Setup(Level.Iteration)
    public void resetCounters() {
        rounds = challengeCpu = verifyCpu = verifyWall = 0;
    }

    @TearDown(Level.Iteration)
    public void check() {
        Instant now = Instant.now();
        int good = 0;
        for (TestNode n : members) {
            NodeRecord r = registry.node(n.name).orElseThrow();
            if (r.attestationFailure() == null && r.lastAttested() != null
                    && r.lastAttested().isAfter(now.minusSeconds(30))) {
                good++;
            }
        }
        if (good != nodes) {
            throw new IllegalStateException((nodes - good) + " of " + nodes + " nodes not attested: "
                    + registry.node(members.get(0).name).map(NodeRecord::attestationFailure).orElse("?"));
        }
        // rounds counted in verifyRound; the last invocation's challenges were answered too
        double r = Math.max(1, rounds);
        System.out.printf("%nauthority CPU per round of %d nodes over %d rounds: challenges %.2f ms + verification %.2f ms"
                + " (wall %.2f ms) = %.2f ms, %.3f ms per node; %d of %d attested%n", nodes, rounds,
                challengeCpu / 1e6 / r, verifyCpu / 1e6 / r, verifyWall / 1e6 / r, (challengeCpu + verifyCpu) / 1e6 / r,
                (challengeCpu + verifyCpu) / 1e6 / r / nodes, good, nodes);
    }

    /** The verification half of one round: every node's answer, as the authority's dispatcher handles it. */
    @Benchmark
    public int verifyRound() throws Exception {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        int pushes = 0;
        for (int i = 0; i < nodes; i++) {
            String peer = members.get(i).name;
            MeshMessage m = MeshCodec.decode(answers[i]);
            registry.seen(peer, Instant.now());
            String before = registry.node(peer).map(NodeRecord::attestationFailure).orElse(null);
            authority.attestResponse(peer, (AttestResponse) m);
            String after = registry.node(peer).map(NodeRecord::attestationFailure).orElse(null);
            if (after != null && !Objects.equals(after, before)) {
                pushes++;
            }
        }
        verifyWall += System.nanoTime() - wall;
        verifyCpu += THREADS.getCurrentThreadCpuTime() - cpu;
        rounds++;
        return pushes;
    }
}
