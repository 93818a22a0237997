package io.aethercore.mesh.enrol;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.attestation.CredentialChallenge;
import io.aethercore.api.attestation.EndorsementKey;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.mesh.Enrollment;
import io.aethercore.api.mesh.MeshException;
import io.aethercore.mesh.link.MeshLink;
import io.aethercore.mesh.link.MeshLink.Channel;
import io.aethercore.mesh.pki.GenesisPayload;
import io.aethercore.mesh.pki.GenesisPayload.BootstrapPeer;
import io.aethercore.mesh.pki.NodeCertificates;
import io.aethercore.mesh.pki.NodeIdentity;
import io.aethercore.mesh.pki.Pem;
import io.aethercore.mesh.wire.MeshCodec;
import io.aethercore.mesh.wire.MeshMessage;
import io.aethercore.mesh.wire.MeshMessage.EnrolChallenge;
import io.aethercore.mesh.wire.MeshMessage.EnrolHello;
import io.aethercore.mesh.wire.MeshMessage.EnrolProof;
import io.aethercore.mesh.wire.MeshMessage.EnrolResult;
import io.aethercore.mesh.wire.WireException;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's way into the federation: enrols with the authority that the genesis bundle pins, over an
 * enrollment session, retrying with backoff (the authority may be down or the network lossy) until it
 * gets a certificate or a refusal. Runs on its own thread ({@link #run}); its state is {@link #status()}.
 */
public final class EnrollmentClient implements Enrollment {

    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentClient.class);
    static final Duration RESEND = Duration.ofMillis(800);
    static final int SENDS = 12;
    static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

    /** This node as it presents itself. */
    public record Self(String nodeId, Attestation attestation, NodeKey nodeKey, RawPublicKey b4aeX25519,
            RawPublicKey b4aeMlDsa87, String address) {
    }

    private final GenesisPayload genesis;
    private final Self self;
    private final MeshLink link;
    private final Path certificateFile;
    private final Clock clock;
    private final Consumer<X509Certificate> onEnrolled;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, BlockingQueue<byte[]>> waiting = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private volatile Status status;
    private volatile CompletableFuture<X509Certificate> result = new CompletableFuture<>();
    private boolean kick;
    private volatile Optional<EndorsementKey> cachedEk;

    public EnrollmentClient(GenesisPayload genesis, Self self, MeshLink link, Path certificateFile, Clock clock,
            Consumer<X509Certificate> onEnrolled) {
        this.genesis = genesis;
        this.self = self;
        this.link = link;
        this.certificateFile = certificateFile;
        this.clock = clock;
        this.onEnrolled = onEnrolled;
        this.status = status(State.ENROLLING, null, "starting", 0);
    }

    private Status status(State state, X509Certificate cert, String message, int attempts) {
        return new Status(state, self.nodeId(), self.attestation().kind(), cert, genesis.federationRoot(), message,
                clock.instant(), attempts);
    }

    @Override
    public Status status() {
        return status;
    }

    @Override
    public CompletableFuture<X509Certificate> enrol() {
        synchronized (lock) {
            if (status.state() == State.ENROLLED) {
                return CompletableFuture.completedFuture(status.certificate());
            }
            if (result.isDone()) {
                result = new CompletableFuture<>();
            }
            kick = true;
            lock.notifyAll();
            return result;
        }
    }

    /** The certificate saved by an earlier enrollment, if it is still good for this node's keys. */
    public Optional<X509Certificate> earlierCertificate() {
        if (!Files.isRegularFile(certificateFile)) {
            return Optional.empty();
        }
        try {
            X509Certificate cert = Pem.readCertificate(certificateFile);
            NodeCertificates.verify(cert, genesis.federationRoot(), clock.instant());
            NodeIdentity id = NodeCertificates.read(cert);
            if (id.nodeId().equals(self.nodeId()) && id.nodeKey().equals(self.nodeKey().handle().publicKey())
                    && id.b4aeMlDsa87().equals(self.b4aeMlDsa87())) {
                return Optional.of(cert);
            }
            LOG.warn("[WARN] The saved node certificate is for other keys or another NodeID; enrolling again");
        } catch (Exception e) {
            LOG.warn("[WARN] The saved node certificate is not usable ({}); enrolling again", e.getMessage());
        }
        return Optional.empty();
    }

    /** Enrols until enrolled, refused, or interrupted. */
    public void run() {
        Optional<X509Certificate> earlier = earlierCertificate();
        if (earlier.isPresent()) {
            done(earlier.get(), "enrolled earlier; certificate valid until " + earlier.get().getNotAfter().toInstant());
            LOG.info("[SUCCESS] Node certificate of {} loaded (valid until {}). Joining mesh...", self.nodeId(),
                    earlier.get().getNotAfter().toInstant());
            return;
        }
        BootstrapPeer fa = genesis.bootstrapPeers().stream().filter(BootstrapPeer::federationAuthority).findFirst()
                .orElse(null);
        if (fa == null) {
            status = status(State.REFUSED, null, "the genesis bundle names no Federation Authority", 0);
            LOG.error("[ERROR] The genesis bundle names no Federation Authority among its bootstrap peers");
            return;
        }
        Duration backoff = Duration.ofSeconds(1);
        int attempts = 0;
        while (!Thread.currentThread().isInterrupted()) {
            attempts++;
            status = status(State.ENROLLING, null, "attempt " + attempts, attempts);
            try {
                X509Certificate cert = attempt(fa);
                done(cert, "enrolled as " + self.nodeId());
                return;
            } catch (Refused e) {
                status = status(State.REFUSED, null, e.getMessage(), attempts);
                int quote = e.getMessage().indexOf("TPM Quote verification failed");
                if (quote >= 0) {
                    // the playbook's troubleshooting line, naming the PCR that differs
                    LOG.error("[ERROR] {}", e.getMessage().substring(quote));
                }
                LOG.error("[ERROR] {}", e.getMessage());
                result.completeExceptionally(new MeshException(e.getMessage()));
                if (!waitForKick(null)) {
                    return;
                }
                backoff = Duration.ofSeconds(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                status = status(State.ENROLLING, null, "attempt " + attempts + " failed: " + e.getMessage()
                        + "; next in " + backoff.toSeconds() + " s", attempts);
                LOG.warn("[WARN] Enrollment attempt {} failed: {}; retrying in {} s", attempts, e.getMessage(),
                        backoff.toSeconds());
                if (!waitForKick(backoff)) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Waits for {@link #enrol()} (or the backoff); false when interrupted. */
    private boolean waitForKick(Duration max) {
        synchronized (lock) {
            long end = max == null ? Long.MAX_VALUE : System.nanoTime() + max.toNanos();
            while (!kick) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            kick = false;
            return true;
        }
    }

    private void done(X509Certificate cert, String message) {
        status = status(State.ENROLLED, cert, message, status.attempts());
        result.complete(cert);
        onEnrolled.accept(cert);
    }

    private X509Certificate attempt(BootstrapPeer fa) throws Exception {
        Channel channel;
        try {
            channel = link.enrol(fa.name(), fa.address()).get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            throw new MeshException("could not open a B4AE session to the Federation Authority " + fa.name() + " at "
                    + fa.address().getHostString() + ":" + fa.address().getPort() + " (unreachable, or it did not prove"
                    + " the identity the genesis bundle pins): " + cause);
        }
        try {
            byte[] requestId = new byte[16];
            random.nextBytes(requestId);
            boolean tpm = self.attestation().kind() == AttestationKind.TPM;
            byte[] ekPublic = new byte[0], ekCert = new byte[0];
            if (tpm) {
                Optional<EndorsementKey> ek = endorsementKey();
                if (ek.isEmpty()) {
                    throw new Refused("the TPM has no endorsement key");
                }
                ekPublic = ek.get().tpmPublic();
                ekCert = ek.get().certificate().orElse(new byte[0]);
            }
            byte[] akPublic = self.attestation().attestationKey().tpmPublic();
            EnrolHello hello = new EnrolHello(requestId, self.nodeId(), tpm ? EnrolHello.KIND_TPM : EnrolHello.KIND_SOFTWARE,
                    ekPublic, ekCert, akPublic, self.nodeKey().handle().publicKey().toSpki(), self.b4aeX25519().encoded(),
                    self.b4aeMlDsa87().toSpki(), self.address() == null ? "" : self.address());
            byte[] helloBytes = MeshCodec.encode(hello);
            byte[] challengeBytes = exchange(channel, requestId, helloBytes, true);
            MeshMessage first = MeshCodec.decode(challengeBytes);
            if (first instanceof EnrolResult r) {
                return outcome(r);
            }
            EnrolChallenge ch = (EnrolChallenge) first;
            LOG.info(tpm ? "[INFO] Generating TPM Quote for enrollment..."
                    : "[INFO] Generating software attestation quote for enrollment (no TPM: proves nothing about the platform)...");
            byte[] secret = new byte[0];
            if (tpm) {
                try {
                    secret = self.attestation().activateCredential(
                            new CredentialChallenge(ch.credentialBlob(), ch.encryptedSecret()));
                } catch (io.aethercore.api.attestation.AttestationException e) {
                    // the authority decides; it will refuse, and say why, to the log of both
                    LOG.warn("[WARN] The TPM could not activate the authority's credential ({})", e.getMessage());
                }
            }
            Quote quote = self.attestation().quote(ch.nonce(), PcrSelection.parse(ch.pcrSelection()));
            byte[] sig = self.nodeKey().sign(Transcripts.enrollment(helloBytes, challengeBytes, quote.attest()));
            EnrolProof proof = new EnrolProof(requestId, secret, quote.attest(), quote.signature(),
                    quote.pcrValues().concatenated(), sig);
            LOG.info("[INFO] Sending enrollment request to Federation Authority...");
            MeshMessage answer = MeshCodec.decode(exchange(channel, requestId, MeshCodec.encode(proof), false));
            if (!(answer instanceof EnrolResult r)) {
                throw new WireException("the authority answered the proof with " + answer.getClass().getSimpleName());
            }
            return outcome(r);
        } finally {
            channel.close();
        }
    }

    private X509Certificate outcome(EnrolResult r) throws Exception {
        switch (r.status()) {
            case EnrolResult.REFUSED -> throw new Refused("Enrollment refused by the Federation Authority: " + r.message());
            case EnrolResult.RETRY -> throw new MeshException("the authority asks to start again: " + r.message());
            default -> {
            }
        }
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(r.certificate()));
        NodeCertificates.verify(cert, genesis.federationRoot(), clock.instant());
        NodeIdentity id = NodeCertificates.read(cert);
        if (!id.nodeId().equals(self.nodeId()) || !id.b4aeMlDsa87().equals(self.b4aeMlDsa87())
                || !id.nodeKey().equals(self.nodeKey().handle().publicKey())) {
            throw new Refused("the authority issued a certificate for another identity (" + id.nodeId() + ")");
        }
        LOG.info("[INFO] Received PlatformIdentity (NodeID: {})", id.nodeId());
        Files.createDirectories(certificateFile.getParent());
        Pem.write(certificateFile, Pem.encode(cert), PosixFilePermissions.fromString("rw-r-----"));
        LOG.info("[SUCCESS] Enrollment complete. Joining mesh...");
        return cert;
    }

    /**
     * The EK, read once: re-creating the RSA EK from the TPM's seed costs about 40 ms on swtpm (seconds on
     * some chips) and it cannot change while the node runs.
     */
    private Optional<EndorsementKey> endorsementKey() throws io.aethercore.api.attestation.AttestationException {
        Optional<EndorsementKey> ek = cachedEk;
        if (ek == null) {
            ek = self.attestation().endorsementKey();
            cachedEk = ek;
        }
        return ek;
    }

    /** Sends until an answer for this request comes back (the network may drop either). */
    private byte[] exchange(Channel channel, byte[] requestId, byte[] message, boolean challengeExpected) throws Exception {
        String key = HexFormat.of().formatHex(requestId);
        BlockingQueue<byte[]> q = new ArrayBlockingQueue<>(8);
        waiting.put(key, q);
        try {
            for (int i = 0; i < SENDS; i++) {
                if (!channel.isOpen()) {
                    throw new MeshException("the enrollment session closed");
                }
                channel.reply(message);
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RESEND.toMillis() * (1 + i / 4));
                for (long left; (left = end - System.nanoTime()) > 0; ) {
                    byte[] answer = q.poll(left, TimeUnit.NANOSECONDS);
                    if (answer != null && (answer[0] == MeshCodec.ENROL_RESULT
                            || (challengeExpected && answer[0] == MeshCodec.ENROL_CHALLENGE))) {
                        return answer; // a late copy of an earlier answer is skipped
                    }
                }
            }
            throw new MeshException("no answer from the Federation Authority");
        } finally {
            waiting.remove(key);
        }
    }

    /** An answer from the authority for one of this node's requests (the mesh's dispatcher calls it). */
    public void deliver(byte[] requestId, byte[] raw) {
        BlockingQueue<byte[]> q = waiting.get(HexFormat.of().formatHex(requestId));
        if (q != null) {
            q.offer(raw);
        }
    }

    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }
}
