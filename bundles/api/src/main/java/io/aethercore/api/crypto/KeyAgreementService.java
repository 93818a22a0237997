package io.aethercore.api.crypto;

import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Diffie-Hellman key agreement with ephemeral keys. Long-term (static) agreement keys live in a
 * key custody ({@code KeyCustody.agree}).
 */
@ProviderType
public interface KeyAgreementService {

    String provider();

    Set<KeyAlgorithm> algorithms();

    /**
     * Generates a fresh key pair.
     *
     * @throws IllegalArgumentException if {@code algorithm} is not a key-agreement algorithm served here
     */
    EphemeralKeyPair generateEphemeral(KeyAlgorithm algorithm);
}
