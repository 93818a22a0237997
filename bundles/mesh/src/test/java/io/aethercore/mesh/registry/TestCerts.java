package io.aethercore.mesh.registry;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.mesh.MeshException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Self-signed Ed25519 node certificates and a fake {@link CertificateReader} that knows what each one
 * stands for (the real profile parser lives with the PKI).
 */
final class TestCerts implements CertificateReader {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final AtomicLong SERIAL = new AtomicLong(1000);

    private final Map<X509Certificate, NodeCertInfo> known = new ConcurrentHashMap<>();

    static KeyPair newKey() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate for {@code nodeId} with a fresh key, which this reader knows. */
    X509Certificate issue(String nodeId, AttestationKind kind) {
        return issue(nodeId, kind, newKey(), Instant.parse("2025-01-01T00:00:00Z"));
    }

    /** A certificate for {@code nodeId} with the given key, which this reader knows. */
    X509Certificate issue(String nodeId, AttestationKind kind, KeyPair key, Instant notBefore) {
        X509Certificate cert = selfSigned("O=AetherCore Test,CN=" + nodeId, key, notBefore);
        known.put(cert, new NodeCertInfo(nodeId, kind, new InetSocketAddress("127.0.0.1", 7400),
                "b4ae-" + nodeId, fingerprint(key)));
        return cert;
    }

    /** A certificate this reader knows nothing about. */
    static X509Certificate stranger() {
        return selfSigned("CN=stranger", newKey(), Instant.parse("2025-01-01T00:00:00Z"));
    }

    @Override
    public NodeCertInfo read(X509Certificate certificate) throws MeshException {
        NodeCertInfo info = known.get(certificate);
        if (info == null) {
            throw new MeshException("not a node certificate of this federation: " + certificate.getSubjectX500Principal());
        }
        return info;
    }

    static String fingerprint(KeyPair key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getPublic().getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate selfSigned(String subject, KeyPair key, Instant notBefore) {
        try {
            X500Name name = new X500Name(subject);
            var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(notBefore), Date.from(notBefore.plus(365, ChronoUnit.DAYS)), name, key.getPublic());
            var signer = new JcaContentSignerBuilder("Ed25519").setProvider(BC).build(key.getPrivate());
            return new JcaX509CertificateConverter().setProvider(BC).getCertificate(builder.build(signer));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
