package io.aethercore.api.crypto;

import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/** Authenticated encryption. Thread-safe. */
@ProviderType
public interface AeadService {

    String provider();

    Set<AeadAlgorithm> algorithms();

    /**
     * Binds a key. The key bytes are copied; the caller may wipe its array afterwards.
     *
     * @throws IllegalArgumentException for a key that is not 32 bytes, or an algorithm not served here
     */
    Aead newAead(AeadAlgorithm algorithm, byte[] key);
}
