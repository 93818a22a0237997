package io.aethercore.benchmarks;

import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.mesh.Enrollment;
import io.aethercore.mesh.MeshFixture;
import io.aethercore.mesh.MeshFixture.TestNode;
import io.aethercore.mesh.pki.GenesisPayload;
import io.aethercore.mesh.pki.GenesisPayload.PcrPolicy;
import io.aethercore.testing.swtpm.Swtpm;
import io.aethercore.tpm.internal.SoftwareAttestation;
import io.aethercore.tpm.internal.TpmAttestation;
import io.aethercore.tpm.internal.TpmSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * {@code nodes} members enrolling at once with one Federation Authority, in one JVM over the in-memory
 * link ({@code MemoryNet}, no B4AE crypto, no loss): each member has its own swtpm (started, and its
 * EK and AK read once, in the trial set-up) and the real engine ({@code MeshFixture}: MeshNode,
 * EnrollmentClient, Authority, Registry). One shot = start every member's EnrollmentClient, then wait
 * until all are ENROLLED. A fresh federation (root, authority, member identities) per iteration, built
 * outside the measurement; the swtpms are reused.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 8)
@Fork(value = 1, jvmArgsAppend = "-Djmh.shutdownTimeout=1")
public class MeshEnrolStormBench {

    @Param({"20"})
    public int nodes;

    private final List<Swtpm> tpms = new ArrayList<>();
    private final List<TpmSession> sessions = new ArrayList<>();
    private final List<TpmAttestation> attestations = new ArrayList<>();
    private PcrPolicy policy;
    private Path dir;
    private MeshFixture fixture;
    private GenesisPayload genesis;
    private List<TestNode> members;
    private int iteration;

    @Setup(Level.Trial)
    public void startTpms() throws Exception {
        for (int i = 0; i < nodes; i++) {
            Swtpm s = Swtpm.start();
            tpms.add(s);
            TpmSession session = TpmSession.simulator(s.host(), s.port());
            sessions.add(session);
            TpmAttestation a = new TpmAttestation(session);
            a.attestationKey();
            a.endorsementKey().orElseThrow();
            attestations.add(a);
        }
        // fresh swtpms all have the same PCRs: the first one is the reference platform
        policy = new PcrPolicy(PcrSelection.PLAYBOOK, attestations.get(0).readPcrs(PcrSelection.PLAYBOOK));
        dir = Files.createTempDirectory("aethercore-bench-mesh-storm-");
    }

    @Setup(Level.Iteration)
    public void federation() throws Exception {
        fixture = new MeshFixture(Files.createDirectories(dir.resolve("it" + iteration++)));
        TestNode fa = fixture.node("fa-1", new SoftwareAttestation());
        members = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            members.add(fixture.node(String.format("unit-%02d", i), attestations.get(i)));
        }
        genesis = fixture.genesis(fa, policy, false, Duration.ofSeconds(60));
        fa.startAuthority(genesis);
    }

    @TearDown(Level.Iteration)
    public void stopFederation() {
        fixture.close();
    }

    @TearDown(Level.Trial)
    public void stopTpms() throws Exception {
        for (TpmSession s : sessions) {
            s.close();
        }
        for (Swtpm s : tpms) {
            s.close();
        }
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Every member starts enrolling; returns when the last one is ENROLLED. */
    @Benchmark
    public int allEnrolled() throws Exception {
        for (TestNode m : members) {
            m.startMember(genesis);
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int attempts = 0;
        for (TestNode m : members) {
            while (m.client.status().state() != Enrollment.State.ENROLLED) {
                if (m.client.status().state() == Enrollment.State.REFUSED || System.nanoTime() > end) {
                    throw new IllegalStateException(m.name + ": " + m.client.status().state() + " " + m.client.status().message());
                }
                Thread.sleep(1);
            }
            attempts += m.client.status().attempts();
        }
        if (attempts != nodes) {
            System.out.printf("%n%d enrollment attempts for %d nodes (retries after a lost or late answer)%n", attempts, nodes);
        }
        return attempts;
    }
}
