package io.aethercore.api.crypto;

import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/** HKDF (RFC 5869). Thread-safe. A {@code null} salt or info is the same as an empty one. */
@ProviderType
public interface KdfService {

    String provider();

    Set<KdfAlgorithm> algorithms();

    /** HKDF-Extract: the pseudo-random key of {@code hashLength()} bytes. */
    byte[] extract(KdfAlgorithm algorithm, byte[] salt, byte[] inputKeyMaterial);

    /**
     * HKDF-Expand.
     *
     * @throws IllegalArgumentException if {@code length} is not in 1..{@code maxOutputLength()} or the
     *     PRK is shorter than the hash
     */
    byte[] expand(KdfAlgorithm algorithm, byte[] prk, byte[] info, int length);

    /** Extract then expand. */
    default byte[] derive(KdfAlgorithm algorithm, byte[] salt, byte[] inputKeyMaterial, byte[] info, int length) {
        return expand(algorithm, extract(algorithm, salt, inputKeyMaterial), info, length);
    }
}
