package io.aethercore.benchmarks;

import io.aethercore.api.attestation.AttestationKey;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.attestation.QuoteExpectation;
import io.aethercore.api.attestation.QuoteVerification;
import io.aethercore.attestation.verifier.QuoteVerifier;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.testing.swtpm.Swtpm;
import io.aethercore.tpm.internal.TpmAttestation;
import io.aethercore.tpm.internal.TpmKeyCustody;
import io.aethercore.tpm.internal.TpmSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * TPM latency through the AetherCore TPM bundle on a TPM simulator (swtpm), one persistent session:
 * TPM2_Quote over sha256:0,1,2,7 (with the PCR read that goes with it), TPM2_Sign with a custody key
 * (ECDSA P-256 over SHA-256; the hardware-signature row of docs/operations.md "Benchmark targets", on the key type TPMs have), and
 * the off-node verification of a quote and of a signature (JDK crypto, no TPM).
 *
 * <p>The simulator: {@code -Daethercore.bench.swtpm=127.0.0.1:PORT} (the script starts one and runs
 * tpm2-tools against the same one afterwards), else one started here. At the end of each trial the
 * TPM's transient handles are counted (TPM_CAP_HANDLES): they must be exactly the ones the session
 * holds on purpose (the attestation key, the cached signing key), however many operations ran.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TpmBench {

    private Swtpm own;
    private TpmSession session;
    private TpmAttestation attestation;
    private TpmKeyCustody custody;
    private KeyHandle key;
    private AttestationKey ak;
    private Path keys;
    private Quote quote;
    private byte[] signature;
    private PublicKey signingPublic;
    private final byte[] nonce = "AetherCore TPM benchmark nonce..".getBytes(StandardCharsets.US_ASCII);
    private final byte[] message = "AetherCore TPM benchmark message, 64 bytes long ................".getBytes(StandardCharsets.UTF_8);
    private final AtomicLong tpmOps = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String where = System.getProperty("aethercore.bench.swtpm", "");
        String host;
        int port;
        if (where.isBlank()) {
            own = Swtpm.start();
            host = own.host();
            port = own.port();
        } else {
            host = where.substring(0, where.lastIndexOf(':'));
            port = Integer.parseInt(where.substring(where.lastIndexOf(':') + 1));
        }
        session = TpmSession.simulator(host, port);
        attestation = new TpmAttestation(session);
        keys = Files.createTempDirectory("aethercore-bench-tpm-");
        custody = new TpmKeyCustody("tpm", session, keys);
        key = custody.generate(KeyAlgorithm.ECDSA_P256, "bench");
        ak = attestation.attestationKey();
        quote = attestation.quote(nonce, PcrSelection.PLAYBOOK);
        signature = custody.sign(key, message);
        signingPublic = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(key.publicKey().toSpki()));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        int inTpm = session.transientHandleCount();
        int held = session.heldHandleCount();
        System.out.printf("%nTPM handles after %d TPM operations: %d transient in the TPM, %d held on purpose, %d leaked%n",
                tpmOps.get(), inTpm, held, inTpm - held);
        session.close();
        if (own != null) {
            own.close();
        }
        try (var s = Files.list(keys)) {
            s.forEach(p -> p.toFile().delete());
        }
        Files.deleteIfExists(keys);
        if (inTpm != held) {
            throw new IllegalStateException((inTpm - held) + " TPM handles leaked");
        }
    }

    /** TPM2_PCR_Read + TPM2_Quote (sha256:0,1,2,7) with the attestation key. */
    @Benchmark
    public Quote quote() throws Exception {
        tpmOps.incrementAndGet();
        return attestation.quote(nonce, PcrSelection.PLAYBOOK);
    }

    /** The TPM2_Quote command alone (the per-command comparison with tpm2_send). */
    @Benchmark
    public byte[] quoteCommand() throws Exception {
        tpmOps.incrementAndGet();
        return session.quoteCommand(nonce, PcrSelection.PLAYBOOK);
    }

    /** TPM2_GetRandom(8): the cost of one trivial command through the session (transport + TSS.Java). */
    @Benchmark
    public byte[] getRandom() throws Exception {
        tpmOps.incrementAndGet();
        return session.call("GetRandom", t -> t.GetRandom(8));
    }

    /** TPM2_Sign (ECDSA P-256, SHA-256 hashed in Java) with a custody key kept loaded. */
    @Benchmark
    public byte[] sign() throws Exception {
        tpmOps.incrementAndGet();
        return custody.sign(key, message);
    }

    /** Off-node verification of a quote: parse, ECDSA verify, nonce, selection, PCR digest. No TPM. */
    @Benchmark
    public QuoteVerification verifyQuote() {
        return QuoteVerifier.verify(quote, ak.publicKey(), QuoteExpectation.of(nonce, PcrSelection.PLAYBOOK));
    }

    /** Verification of a TPM signature in software (JDK SunEC), what a peer does with a node's signature. */
    @Benchmark
    public boolean verifySignature() throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initVerify(signingPublic);
        s.update(message);
        return s.verify(signature);
    }
}
