package io.aethercore.api.crypto;

import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/** Key encapsulation (ML-KEM-1024, FIPS 203). Thread-safe. */
@ProviderType
public interface KemService {

    String provider();

    Set<KeyAlgorithm> algorithms();

    /**
     * Generates a fresh key pair.
     *
     * @throws IllegalArgumentException if {@code algorithm} is not a KEM served here
     */
    KemKeyPair generate(KeyAlgorithm algorithm);

    /**
     * Encapsulates a fresh shared secret to {@code publicKey}.
     *
     * @throws MalformedKeyException if the encapsulation key fails the FIPS 203 input checks
     */
    Encapsulation encapsulate(RawPublicKey publicKey) throws MalformedKeyException;
}
