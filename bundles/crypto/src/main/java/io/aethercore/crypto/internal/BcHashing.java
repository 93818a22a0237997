package io.aethercore.crypto.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.Hasher;
import java.util.EnumSet;
import java.util.Set;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.params.Blake3Parameters;

/** Pure-Java hashing on BouncyCastle digests: BLAKE3 (all modes), SHA-256, SHA-512. OSGi-free. */
@Designate(ocd = BcProviders.Config.class)
@Component(
        service = HashService.class,
        configurationPid = BcProviders.PID,
        property = {
            "service.ranking:Integer=10",
            "aethercore.provider=bouncycastle",
            "aethercore.native:Boolean=false",
            "aethercore.algorithms=BLAKE3",
            "aethercore.algorithms=SHA-256",
            "aethercore.algorithms=SHA-512"
        })
public final class BcHashing implements HashService {

    public static final String PROVIDER = "bouncycastle";

    private static final Set<HashAlgorithm> ALGORITHMS = EnumSet.allOf(HashAlgorithm.class);

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<HashAlgorithm> algorithms() {
        return ALGORITHMS;
    }

    @Override
    public Hasher newHasher(HashAlgorithm algorithm) {
        return switch (algorithm) {
            case BLAKE3 -> new BcHasher(algorithm, blake3(null));
            case SHA_256 -> new BcHasher(algorithm, new SHA256Digest());
            case SHA_512 -> new BcHasher(algorithm, new SHA512Digest());
        };
    }

    @Override
    public Hasher newBlake3Keyed(byte[] key) {
        HashService.checkBlake3Key(key);
        return new BcHasher(HashAlgorithm.BLAKE3, blake3(Blake3Parameters.key(key)));
    }

    @Override
    public Hasher newBlake3DeriveKey(String context) {
        byte[] utf8 = HashService.checkDeriveKeyContext(context);
        return new BcHasher(HashAlgorithm.BLAKE3, blake3(Blake3Parameters.context(utf8)));
    }

    private static Blake3Digest blake3(Blake3Parameters params) {
        Blake3Digest d = new Blake3Digest(256);
        if (params != null) {
            d.init(params);
        }
        return d;
    }

    @Override
    public String toString() {
        return "HashService[" + PROVIDER + "]";
    }

    private static final class BcHasher implements Hasher {
        private final HashAlgorithm algorithm;
        private final Digest digest;
        /** BLAKE3 only: the state right after init, for reset(). */
        private final Blake3Digest initial;

        BcHasher(HashAlgorithm algorithm, Digest digest) {
            this.algorithm = algorithm;
            this.digest = digest;
            this.initial = digest instanceof Blake3Digest b ? (Blake3Digest) b.copy() : null;
        }

        @Override
        public HashAlgorithm algorithm() {
            return algorithm;
        }

        @Override
        public String provider() {
            return PROVIDER;
        }

        @Override
        public Hasher update(byte[] data, int offset, int length) {
            Bytes.checkRange(data, offset, length);
            digest.update(data, offset, length);
            return this;
        }

        @Override
        public byte[] digest(int length) {
            Hasher.checkOutputLength(algorithm, length);
            byte[] out = new byte[length];
            if (digest instanceof Blake3Digest b) {
                b.doFinal(out, 0, length); // XOF output; resets to the keyed/derive state
            } else {
                digest.doFinal(out, 0);
            }
            return out;
        }

        @Override
        public void reset() {
            if (initial != null) {
                // Blake3Digest.reset() (BC 1.86) keeps the chaining values of completed 1 KiB chunks
                // on its stack; restoring the initial state clears them (doFinal drains them itself)
                ((Blake3Digest) digest).reset(initial);
            } else {
                digest.reset();
            }
        }
    }
}
