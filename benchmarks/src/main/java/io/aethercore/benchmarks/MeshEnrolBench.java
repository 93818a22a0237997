package io.aethercore.benchmarks;

import io.aethercore.api.attestation.CredentialChallenge;
import io.aethercore.api.attestation.EndorsementKey;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.b4ae.internal.PinnedTrustStore;
import io.aethercore.mesh.MeshFixture;
import io.aethercore.mesh.MeshFixture.TestNode;
import io.aethercore.mesh.MeshNode;
import io.aethercore.mesh.enrol.Authority;
import io.aethercore.mesh.enrol.Federation;
import io.aethercore.mesh.enrol.Transcripts;
import io.aethercore.mesh.link.MeshLink.Channel;
import io.aethercore.mesh.pki.GenesisPayload;
import io.aethercore.mesh.pki.GenesisPayload.PcrPolicy;
import io.aethercore.mesh.pki.NodeCertificates;
import io.aethercore.mesh.wire.MeshCodec;
import io.aethercore.mesh.wire.MeshMessage;
import io.aethercore.mesh.wire.MeshMessage.EnrolChallenge;
import io.aethercore.mesh.wire.MeshMessage.EnrolHello;
import io.aethercore.mesh.wire.MeshMessage.EnrolProof;
import io.aethercore.mesh.wire.MeshMessage.EnrolResult;
import io.aethercore.testing.swtpm.Swtpm;
import io.aethercore.tpm.internal.SoftwareAttestation;
import io.aethercore.tpm.internal.TpmAttestation;
import io.aethercore.tpm.internal.TpmSession;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
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
 * One mesh enrollment end to end on a swtpm, both sides in this thread, no link: the node builds its
 * EnrolHello, the Federation Authority ({@link Authority}, the real class, through {@link
 * Authority#handle} as the mesh dispatcher calls it) answers with a nonce and a TPM2_MakeCredential
 * challenge, the node runs TPM2_ActivateCredential and TPM2_Quote (with its PCR read) on the swtpm and
 * signs the transcript with its node key, the authority checks the secret, the quote, the PCR policy
 * and the signature and issues the certificate (pinning the node's B4AE keys in a real trust store),
 * and the node verifies the certificate against the root, as {@code EnrollmentClient} does. Every
 * message goes through the wire codec both ways.
 *
 * <p>{@code cachedKeys}: the EK and AK public areas read once in set-up. {@code readingEk}: the EK
 * read from the TPM at every enrollment, as {@code EnrollmentClient.attempt} does (on a TPM without a
 * persistent EK that re-creates the RSA 2048 EK). {@code tpm=fresh}: a swtpm as {@code Swtpm.start()}
 * leaves it (no persistent EK: TPM2_ActivateCredential re-creates the EK each time too);
 * {@code tpm=manufactured}: {@code swtpm_setup --create-ek-cert} first.
 *
 * <p>The split is printed after each iteration: the authority's thread CPU time in its two calls,
 * and the wall time of the TPM calls (ActivateCredential, Quote, EK read).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 4)
@Fork(1)
public class MeshEnrolBench {

    @Param({"fresh", "manufactured"})
    public String tpm;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Path dir;
    private Swtpm swtpm;
    private TpmSession session;
    private TpmAttestation attestation;
    private MeshFixture fixture;
    private TestNode node;
    private Authority authority;
    private Channel channel;
    private byte[] ekPublic, ekCert, akPublic;
    private final SecureRandom random = new SecureRandom();
    private CertificateFactory x509;

    private boolean readingEk;
    private long n, faCpu, faWall, activate, quote, ekRead, total;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("aethercore-bench-mesh-");
        swtpm = "manufactured".equals(tpm) ? Swtpm.startManufactured() : Swtpm.start();
        session = TpmSession.simulator(swtpm.host(), swtpm.port());
        attestation = new TpmAttestation(session);
        fixture = new MeshFixture(dir);
        TestNode fa = fixture.node("fa-1", new SoftwareAttestation());
        node = fixture.node("unit-alpha-7", attestation);
        // the reference platform: this TPM's current PCRs, so the PCR comparison runs and passes
        PcrPolicy policy = new PcrPolicy(PcrSelection.PLAYBOOK, attestation.readPcrs(PcrSelection.PLAYBOOK));
        GenesisPayload genesis = fixture.genesis(fa, policy, false, Duration.ofSeconds(60));
        PinnedTrustStore trust = new PinnedTrustStore(Duration.ofDays(90), Duration.ofDays(7));
        Federation federation = new Federation(fixture.root, m -> MeshFixture.sign(fixture.rootKey, "Ed25519", m),
                KeyAlgorithm.ED25519, genesis, Duration.ofDays(365));
        authority = new Authority(federation, fa.newRegistry(genesis), MeshFixture.CHECK, Clock.systemUTC(),
                new SecureRandom(), (cert, id) -> MeshNode.pin(trust, id, cert.getNotBefore().toInstant()));
        channel = MeshFixture.unpinnedChannel(node.mlDsa.fingerprint());
        EndorsementKey ek = attestation.endorsementKey().orElseThrow();
        ekPublic = ek.tpmPublic();
        ekCert = ek.certificate().orElse(new byte[0]);
        akPublic = attestation.attestationKey().tpmPublic();
        x509 = CertificateFactory.getInstance("X.509");
        enrol(false); // first use of every path outside the measurement
    }

    @Setup(Level.Iteration)
    public void resetSplit() {
        n = faCpu = faWall = activate = quote = ekRead = total = 0;
    }

    @TearDown(Level.Iteration)
    public void printSplit() {
        if (n == 0) {
            return;
        }
        System.out.printf("%nsplit %s tpm=%s n=%d: total %.2f ms = authority %.2f ms wall (%.2f ms thread CPU)"
                + " + ActivateCredential %.2f ms + Quote %.2f ms + EK read %.2f ms + node side and codec %.2f ms%n",
                readingEk ? "readingEk" : "cachedKeys", tpm, n, ms(total), ms(faWall), ms(faCpu), ms(activate), ms(quote), ms(ekRead),
                ms(total - faWall - activate - quote - ekRead));
    }

    private double ms(long nanos) {
        return nanos / 1e6 / n;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        fixture.close();
        session.close();
        swtpm.close();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** EK and AK public areas read once, as a node that keeps them (what the target assumes). */
    @Benchmark
    public X509Certificate cachedKeys() throws Exception {
        return enrol(false);
    }

    /** The EK read from the TPM at each enrollment, as EnrollmentClient.attempt does today. */
    @Benchmark
    public X509Certificate readingEk() throws Exception {
        return enrol(true);
    }

    private X509Certificate enrol(boolean readEk) throws Exception {
        readingEk = readEk;
        long start = System.nanoTime();
        byte[] ekPub = ekPublic, ekCer = ekCert;
        if (readEk) {
            EndorsementKey ek = attestation.endorsementKey().orElseThrow();
            ekPub = ek.tpmPublic();
            ekCer = ek.certificate().orElse(new byte[0]);
            ekRead += System.nanoTime() - start;
        }
        byte[] requestId = new byte[16];
        random.nextBytes(requestId);
        EnrolHello hello = new EnrolHello(requestId, node.name, EnrolHello.KIND_TPM, ekPub, ekCer, akPublic,
                node.nodeKey.handle().publicKey().toSpki(), node.x25519.encoded(), node.mlDsa.toSpki(), "localhost:4001");
        byte[] helloBytes = MeshCodec.encode(hello);

        byte[] challengeBytes = atAuthority(helloBytes);
        MeshMessage first = MeshCodec.decode(challengeBytes);
        if (!(first instanceof EnrolChallenge ch)) {
            throw new IllegalStateException("no challenge: " + ((EnrolResult) first).message());
        }

        long t0 = System.nanoTime();
        byte[] secret = attestation.activateCredential(new CredentialChallenge(ch.credentialBlob(), ch.encryptedSecret()));
        long t1 = System.nanoTime();
        Quote q = attestation.quote(ch.nonce(), PcrSelection.parse(ch.pcrSelection()));
        long t2 = System.nanoTime();
        activate += t1 - t0;
        quote += t2 - t1;
        byte[] sig = node.nodeKey.sign(Transcripts.enrollment(helloBytes, challengeBytes, q.attest()));
        byte[] proofBytes = MeshCodec.encode(new EnrolProof(requestId, secret, q.attest(), q.signature(),
                q.pcrValues().concatenated(), sig));

        EnrolResult r = (EnrolResult) MeshCodec.decode(atAuthority(proofBytes));
        if (r.status() != EnrolResult.ACCEPTED) {
            throw new IllegalStateException("enrollment not accepted: " + r.message());
        }
        // the node's checks of what it got (EnrollmentClient.outcome, without writing the file)
        X509Certificate cert = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(r.certificate()));
        NodeCertificates.verify(cert, fixture.root, Instant.now());
        if (!NodeCertificates.read(cert).nodeId().equals(node.name)) {
            throw new IllegalStateException("certificate for another node");
        }
        total += System.nanoTime() - start;
        n++;
        return cert;
    }

    /** What the authority's mesh dispatcher does with an enrollment message: decode, handle, encode. */
    private byte[] atAuthority(byte[] raw) throws Exception {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        byte[] answer = authority.handle(channel, MeshCodec.decode(raw), raw);
        faWall += System.nanoTime() - wall;
        faCpu += THREADS.getCurrentThreadCpuTime() - cpu;
        return answer;
    }

    /** The authority's view of the node's enrollment session: unpinned, authenticated by its ML-DSA-87 key. */
}
