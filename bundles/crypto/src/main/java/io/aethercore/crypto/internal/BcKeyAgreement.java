package io.aethercore.crypto.internal;

import org.osgi.service.component.annotations.Component;
import io.aethercore.api.crypto.EphemeralKeyPair;
import io.aethercore.api.crypto.KeyAgreementException;
import io.aethercore.api.crypto.KeyAgreementService;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** X25519 (RFC 7748) ephemeral key agreement on BouncyCastle. OSGi-free. */
@Component(
        service = KeyAgreementService.class,
        configurationPid = BcProviders.PID,
        property = {
            "service.ranking:Integer=10",
            "aethercore.provider=bouncycastle",
            "aethercore.native:Boolean=false",
            "aethercore.algorithms=X25519"
        })
public final class BcKeyAgreement implements KeyAgreementService {

    private static final Set<KeyAlgorithm> ALGORITHMS = EnumSet.of(KeyAlgorithm.X25519);

    private final SecureRandom random;

    public BcKeyAgreement(SecureRandom random) {
        this.random = random;
    }

    public BcKeyAgreement() {
        this(new SecureRandom());
    }

    @Override
    public String provider() {
        return BcHashing.PROVIDER;
    }

    @Override
    public Set<KeyAlgorithm> algorithms() {
        return ALGORITHMS;
    }

    @Override
    public EphemeralKeyPair generateEphemeral(KeyAlgorithm algorithm) {
        if (algorithm != KeyAlgorithm.X25519) {
            throw new IllegalArgumentException(algorithm + " is not a key agreement algorithm served by " + provider());
        }
        byte[] k = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(random, k);
        return new X25519Pair(k);
    }

    /**
     * X25519 with the all-zero check of RFC 7748 section 6.1.
     *
     * @throws KeyAgreementException for an all-zero shared secret
     */
    static byte[] x25519(byte[] scalar, RawPublicKey peer) throws MalformedKeyException, KeyAgreementException {
        if (peer == null || peer.algorithm() != KeyAlgorithm.X25519) {
            throw new MalformedKeyException("peer key is not an X25519 public key");
        }
        byte[] out = new byte[X25519.POINT_SIZE];
        if (!X25519.calculateAgreement(scalar, 0, peer.encoded(), 0, out, 0)) {
            throw new KeyAgreementException("X25519 produced the all-zero value (low-order peer key)");
        }
        return out;
    }

    static RawPublicKey x25519Public(byte[] scalar) {
        byte[] pub = new byte[X25519.POINT_SIZE];
        X25519.scalarMultBase(scalar, 0, pub, 0);
        try {
            return RawPublicKey.of(KeyAlgorithm.X25519, pub);
        } catch (MalformedKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "KeyAgreementService[" + provider() + "]";
    }

    private static final class X25519Pair implements EphemeralKeyPair {
        private final byte[] scalar;
        private final RawPublicKey publicKey;
        private volatile boolean closed;

        X25519Pair(byte[] scalar) {
            this.scalar = scalar;
            this.publicKey = x25519Public(scalar);
        }

        @Override
        public RawPublicKey publicKey() {
            return publicKey;
        }

        @Override
        public synchronized byte[] agree(RawPublicKey peer) throws MalformedKeyException, KeyAgreementException {
            if (closed) {
                throw new IllegalStateException("ephemeral key pair is closed");
            }
            return x25519(scalar, peer);
        }

        @Override
        public synchronized void close() {
            closed = true;
            Arrays.fill(scalar, (byte) 0);
        }

        @Override
        public String toString() {
            return "EphemeralKeyPair[" + publicKey + "]";
        }
    }
}
