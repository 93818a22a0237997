package io.aethercore.mesh.enrol;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.attestation.CredentialChallenge;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.mesh.FederationAuthority.EnrollmentCounters;
import io.aethercore.api.mesh.MeshException;
import io.aethercore.attestation.verifier.CredentialMaker;
import io.aethercore.attestation.verifier.NonceLedger;
import io.aethercore.attestation.verifier.TpmStructures;
import io.aethercore.mesh.link.MeshLink.Channel;
import io.aethercore.mesh.pki.NodeCertificates;
import io.aethercore.mesh.pki.NodeIdentity;
import io.aethercore.mesh.pki.GenesisPayload.PcrPolicy;
import io.aethercore.mesh.registry.NodeCertInfo;
import io.aethercore.mesh.registry.Registry;
import io.aethercore.mesh.wire.MeshCodec;
import io.aethercore.mesh.wire.MeshMessage.AttestChallenge;
import io.aethercore.mesh.wire.MeshMessage.AttestResponse;
import io.aethercore.mesh.wire.MeshMessage.EnrolChallenge;
import io.aethercore.mesh.wire.MeshMessage.EnrolHello;
import io.aethercore.mesh.wire.MeshMessage.EnrolProof;
import io.aethercore.mesh.wire.MeshMessage.EnrolResult;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Federation Authority's side of enrollment and re-attestation (docs/mesh.md). A node says who it
 * is ({@link EnrolHello}); the authority answers with a nonce and, for a TPM, a credential only the TPM
 * holding both the EK and the AK can activate ({@link EnrolChallenge}); the node proves ({@link
 * EnrolProof}); the authority checks everything against the genesis policy and issues a node certificate.
 * Exchanges are keyed by the node's request id and idempotent: a repeated message gets the same answer.
 * Thread-safe.
 */
public final class Authority {

    private static final Logger LOG = LoggerFactory.getLogger(Authority.class);
    private static final Duration PENDING_LIFETIME = Duration.ofSeconds(60);
    private static final int MAX_PENDING = 1024, MAX_DONE = 4096;
    /** The NodeID rule (NodeIdentity enforces the same). */
    public static final java.util.regex.Pattern NODE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Federation federation;
    private final Registry registry;
    private final SignatureCheck signatures;
    private final Clock clock;
    private final SecureRandom random;
    private final NonceLedger ledger;
    private final Issued issued;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Map<String, Done> done = new LinkedHashMap<>();
    private final Map<String, Reattest> reattesting = new LinkedHashMap<>();
    private final AtomicLong accepted = new AtomicLong(), refused = new AtomicLong();

    /** Receives each certificate issued (to persist it and pin the node's B4AE keys). */
    public interface Issued {
        void issued(X509Certificate certificate, NodeIdentity identity) throws MeshException;
    }

    private record Pending(EnrolHello hello, byte[] helloBytes, String fingerprint, byte[] challengeBytes, byte[] nonce,
            byte[] secret, Instant expires) {
    }

    private record Done(String fingerprint, EnrolResult result) {
    }

    private record Reattest(String nodeId, Instant sent) {
    }

    public Authority(Federation federation, Registry registry, SignatureCheck signatures, Clock clock, SecureRandom random,
            Issued issued) {
        this.federation = federation;
        this.registry = registry;
        this.signatures = signatures;
        this.clock = clock;
        this.random = random;
        this.ledger = new NonceLedger(random, 8192);
        this.issued = issued;
    }

    public EnrollmentCounters counters() {
        synchronized (this) {
            return new EnrollmentCounters(accepted.get(), refused.get(), pending.size());
        }
    }

    private PcrPolicy policy() {
        return federation.genesis().enrollmentPolicy();
    }

    /** Answers an enrollment message; null when there is nothing to answer. */
    public byte[] handle(Channel from, Object message, byte[] raw) {
        if (message instanceof EnrolHello h) {
            return MeshCodec.encode((io.aethercore.mesh.wire.MeshMessage) hello(from, h, raw));
        }
        if (message instanceof EnrolProof p) {
            return MeshCodec.encode(proof(from, p));
        }
        return null;
    }

    synchronized Object hello(Channel from, EnrolHello h, byte[] raw) {
        String key = HexFormat.of().formatHex(h.requestId());
        expire();
        Done d = done.get(key);
        if (d != null && d.fingerprint.equals(from.keyFingerprint())) {
            return d.result;
        }
        Pending p = pending.get(key);
        if (p != null && p.fingerprint.equals(from.keyFingerprint()) && java.util.Arrays.equals(p.helloBytes, raw)) {
            return decodeChallenge(p.challengeBytes);
        }
        try {
            checkHello(from, h);
            byte[] nonce = ledger.issue();
            byte[] secret = new byte[32];
            byte[] blob = new byte[0], encSecret = new byte[0];
            if (h.attestationKind() == EnrolHello.KIND_TPM) {
                random.nextBytes(secret);
                CredentialChallenge c;
                try {
                    c = CredentialMaker.makeForAttestationKey(h.ekPublic(), h.akPublic(), secret, random);
                } catch (RuntimeException e) {
                    throw new MeshException("attestation key or endorsement key refused: " + e.getMessage());
                }
                blob = c.credentialBlob();
                encSecret = c.encryptedSecret();
            }
            if (pending.size() >= MAX_PENDING) {
                return new EnrolResult(h.requestId(), EnrolResult.RETRY, "the authority is busy; try again", null, null);
            }
            EnrolChallenge ch = new EnrolChallenge(h.requestId(), nonce, blob, encSecret, policy().selection().toString());
            pending.put(key, new Pending(h, raw.clone(), from.keyFingerprint(), MeshCodec.encode(ch), nonce, secret,
                    clock.instant().plus(PENDING_LIFETIME)));
            return ch;
        } catch (MeshException e) {
            return refuse(key, from, h.requestId(), h.nodeId(), e.getMessage());
        }
    }

    private static EnrolChallenge decodeChallenge(byte[] bytes) {
        try {
            return (EnrolChallenge) MeshCodec.decode(bytes);
        } catch (io.aethercore.mesh.wire.WireException e) {
            throw new IllegalStateException(e);
        }
    }

    private void checkHello(Channel from, EnrolHello h) throws MeshException {
        try {
            if (!NODE_ID.matcher(h.nodeId()).matches()) {
                throw new MeshException("NodeID '" + h.nodeId() + "' is not 1 to 64 characters of A-Z a-z 0-9 . _ - (starting with a letter or digit)");
            }
            RawPublicKey mldsa = RawPublicKey.fromSpki(h.b4aeMlDsaSpki());
            if (mldsa.algorithm() != KeyAlgorithm.ML_DSA_87) {
                throw new MeshException("the B4AE identity key must be ML-DSA-87");
            }
            if (!mldsa.fingerprint().equals(from.keyFingerprint())) {
                throw new MeshException("the B4AE identity in the request is not the key that authenticated the session");
            }
            RawPublicKey.of(KeyAlgorithm.X25519, h.b4aeX25519());
            RawPublicKey nodeKey = RawPublicKey.fromSpki(h.nodeKeySpki());
            if (nodeKey.algorithm() != KeyAlgorithm.ED25519 && nodeKey.algorithm() != KeyAlgorithm.ECDSA_P256) {
                throw new MeshException("the node key must be Ed25519 or ECDSA P-256, got " + nodeKey.algorithm().id());
            }
            if (h.attestationKind() == EnrolHello.KIND_SOFTWARE) {
                if (!federation.genesis().parameters().allowSoftwareAttestation()) {
                    throw new MeshException("software attestation is not allowed by the federation's enrollment policy");
                }
            } else if (h.attestationKind() == EnrolHello.KIND_TPM) {
                if (h.ekPublic().length == 0 || h.akPublic().length == 0) {
                    throw new MeshException("a TPM enrollment needs the endorsement key and the attestation key");
                }
            } else {
                throw new MeshException("unknown attestation kind " + h.attestationKind());
            }
            Optional<NodeCertInfo> existing = registry.info(h.nodeId());
            if (existing.isPresent() && (!existing.get().nodeKeyFingerprint().equals(nodeKey.fingerprint())
                    || !existing.get().b4aeFingerprint().equals(mldsa.fingerprint()))) {
                throw new MeshException("NodeID '" + h.nodeId() + "' is already enrolled with another key");
            }
        } catch (MalformedKeyException e) {
            throw new MeshException("malformed key in the enrollment request: " + e.getMessage());
        }
    }

    synchronized EnrolResult proof(Channel from, EnrolProof p) {
        String key = HexFormat.of().formatHex(p.requestId());
        Done d = done.get(key);
        if (d != null && d.fingerprint.equals(from.keyFingerprint())) {
            return d.result;
        }
        Pending pend = pending.remove(key);
        if (pend == null || !pend.fingerprint.equals(from.keyFingerprint()) || pend.expires.isBefore(clock.instant())) {
            return new EnrolResult(p.requestId(), EnrolResult.RETRY, "no enrollment in progress for this request; start again",
                    null, null);
        }
        EnrolHello h = pend.hello;
        try {
            boolean tpm = h.attestationKind() == EnrolHello.KIND_TPM;
            if (tpm && !MessageDigest.isEqual(pend.secret, p.activatedSecret())) {
                throw new MeshException("the attestation key is not bound to the endorsement key: credential activation failed");
            }
            RawPublicKey ak;
            try {
                ak = TpmStructures.parsePublic(h.akPublic()).eccP256();
            } catch (RuntimeException e) {
                throw new MeshException("attestation key not usable: " + e.getMessage());
            }
            AttestationKind kind = tpm ? AttestationKind.TPM : AttestationKind.SOFTWARE;
            String failure = QuoteCheck.failure(kind, p.quoteAttest(), p.quoteSignature(), p.pcrValues(), ak, pend.nonce,
                    policy(), ledger);
            if (failure != null) {
                throw new MeshException("TPM Quote verification failed: " + failure);
            }
            RawPublicKey nodeKey = RawPublicKey.fromSpki(h.nodeKeySpki());
            try {
                signatures.verify(nodeKey, Transcripts.enrollment(pend.helloBytes, pend.challengeBytes, p.quoteAttest()),
                        p.nodeKeySignature());
            } catch (Exception e) {
                throw new MeshException("the node key's signature over the enrollment does not verify");
            }
            NodeIdentity id = new NodeIdentity(h.nodeId(), nodeKey, RawPublicKey.of(KeyAlgorithm.X25519, h.b4aeX25519()),
                    RawPublicKey.fromSpki(h.b4aeMlDsaSpki()), kind, tpm ? ak : null,
                    tpm ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(h.ekPublic())) : null,
                    address(h.address()));
            Instant now = clock.instant();
            X509Certificate cert = NodeCertificates.issue(federation.root(), federation.rootSigner(), id,
                    now.minusSeconds(60), federation.certificateValidity());
            issued.issued(cert, id);
            registry.enrolled(cert, now);
            accepted.incrementAndGet();
            LOG.info("[SUCCESS] Enrolled {} ({} attestation, B4AE key {})", h.nodeId(), kind.id(),
                    from.keyFingerprint().substring(0, 16));
            EnrolResult r = new EnrolResult(p.requestId(), EnrolResult.ACCEPTED, "enrolled as " + h.nodeId(),
                    cert.getEncoded(), federation.root().getEncoded());
            remember(key, from, r);
            return r;
        } catch (MeshException e) {
            return refuse(key, from, p.requestId(), h.nodeId(), e.getMessage());
        } catch (MalformedKeyException | CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            return refuse(key, from, p.requestId(), h.nodeId(), "enrollment request not usable: " + e.getMessage());
        } catch (Exception e) {
            LOG.error("[ERROR] Issuing the certificate of {} failed", h.nodeId(), e);
            return new EnrolResult(p.requestId(), EnrolResult.RETRY, "the authority could not issue the certificate: "
                    + e.getMessage(), null, null);
        }
    }

    private EnrolResult refuse(String key, Channel from, byte[] requestId, String nodeId, String why) {
        refused.incrementAndGet();
        LOG.error("[ERROR] Enrollment of '{}' refused: {}", nodeId, why);
        EnrolResult r = new EnrolResult(requestId, EnrolResult.REFUSED, why, null, null);
        remember(key, from, r);
        pending.remove(key);
        return r;
    }

    private void remember(String key, Channel from, EnrolResult r) {
        done.put(key, new Done(from.keyFingerprint(), r));
        while (done.size() > MAX_DONE) {
            done.remove(done.keySet().iterator().next());
        }
    }

    private void expire() {
        Instant now = clock.instant();
        pending.values().removeIf(p -> p.expires.isBefore(now));
        reattesting.values().removeIf(r -> r.sent.plus(PENDING_LIFETIME).isBefore(now));
    }

    private static InetSocketAddress address(String text) throws MeshException {
        if (text == null || text.isEmpty()) {
            return null;
        }
        int colon = text.lastIndexOf(':');
        try {
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return InetSocketAddress.createUnresolved(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw new MeshException("address '" + text + "' is not host:port");
        }
    }

    /** A re-attestation challenge for an enrolled node. */
    public synchronized AttestChallenge reattest(String nodeId) {
        expire();
        byte[] nonce = ledger.issue();
        reattesting.put(HexFormat.of().formatHex(nonce), new Reattest(nodeId, clock.instant()));
        return new AttestChallenge(nonce, policy().selection().toString());
    }

    /** Checks a node's answer to {@link #reattest} and records the verdict in the registry. */
    public void attestResponse(String nodeId, AttestResponse r) {
        Reattest asked;
        synchronized (this) {
            asked = reattesting.remove(HexFormat.of().formatHex(r.nonce()));
        }
        Instant now = clock.instant();
        if (asked == null || !asked.nodeId.equals(nodeId)) {
            registry.violation(nodeId, now, "an attestation answer to a challenge it was not sent");
            return;
        }
        Optional<X509Certificate> cert = registry.certificate(nodeId);
        if (cert.isEmpty()) {
            return;
        }
        String failure;
        try {
            NodeIdentity id = NodeCertificates.read(cert.get());
            RawPublicKey ak = TpmStructures.parsePublic(r.akPublic()).eccP256();
            if (id.attestation() == AttestationKind.TPM && !ak.equals(id.attestationKey())) {
                failure = "the quote is signed by another attestation key than the enrolled one";
            } else {
                failure = QuoteCheck.failure(id.attestation(), r.quoteAttest(), r.quoteSignature(), r.pcrValues(), ak,
                        r.nonce(), policy(), ledger);
                if (failure == null) {
                    try {
                        signatures.verify(id.nodeKey(), Transcripts.reattestation(r.nonce(), r.akPublic(), r.quoteAttest()),
                                r.nodeKeySignature());
                    } catch (Exception e) {
                        failure = "the node key's signature over the quote does not verify";
                    }
                }
            }
        } catch (Exception e) {
            failure = "attestation answer not usable: " + e.getMessage();
        }
        if (failure == null) {
            registry.attested(nodeId, now);
        } else {
            LOG.error("[ERROR] TPM Quote verification failed for {}: {}", nodeId, failure);
            registry.attestationFailed(nodeId, now, failure);
        }
    }
}
