package io.aethercore.crypto.internal;

import org.osgi.service.component.annotations.Component;
import io.aethercore.api.crypto.KdfAlgorithm;
import io.aethercore.api.crypto.KdfService;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF (RFC 5869) with SHA-256 and SHA-512 on BouncyCastle. OSGi-free. */
@Component(
        service = KdfService.class,
        configurationPid = BcProviders.PID,
        property = {
            "service.ranking:Integer=10",
            "aethercore.provider=bouncycastle",
            "aethercore.native:Boolean=false",
            "aethercore.algorithms=HKDF-SHA256",
            "aethercore.algorithms=HKDF-SHA512"
        })
public final class BcKdf implements KdfService {

    private static final Set<KdfAlgorithm> ALGORITHMS = EnumSet.allOf(KdfAlgorithm.class);

    @Override
    public String provider() {
        return BcHashing.PROVIDER;
    }

    @Override
    public Set<KdfAlgorithm> algorithms() {
        return ALGORITHMS;
    }

    private static Digest digest(KdfAlgorithm algorithm) {
        return switch (Objects.requireNonNull(algorithm, "algorithm")) {
            case HKDF_SHA256 -> new SHA256Digest();
            case HKDF_SHA512 -> new SHA512Digest();
        };
    }

    @Override
    public byte[] extract(KdfAlgorithm algorithm, byte[] salt, byte[] inputKeyMaterial) {
        Objects.requireNonNull(inputKeyMaterial, "inputKeyMaterial");
        HKDFBytesGenerator gen = new HKDFBytesGenerator(digest(algorithm));
        // RFC 5869 2.2: an absent salt is a string of HashLen zeros; BC does the same for null
        return gen.extractPRK(salt == null || salt.length == 0 ? null : salt, inputKeyMaterial);
    }

    @Override
    public byte[] expand(KdfAlgorithm algorithm, byte[] prk, byte[] info, int length) {
        Objects.requireNonNull(prk, "prk");
        if (length < 1 || length > algorithm.maxOutputLength()) {
            throw new IllegalArgumentException(algorithm.id() + " output length must be 1.."
                    + algorithm.maxOutputLength() + ", got " + length);
        }
        if (prk.length < algorithm.hashLength()) {
            throw new IllegalArgumentException(algorithm.id() + " PRK must be at least " + algorithm.hashLength() + " bytes");
        }
        HKDFBytesGenerator gen = new HKDFBytesGenerator(digest(algorithm));
        gen.init(HKDFParameters.skipExtractParameters(prk, Bytes.orEmpty(info)));
        byte[] out = new byte[length];
        gen.generateBytes(out, 0, length);
        return out;
    }

    @Override
    public String toString() {
        return "KdfService[" + provider() + "]";
    }
}
