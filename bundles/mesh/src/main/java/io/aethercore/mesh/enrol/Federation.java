package io.aethercore.mesh.enrol;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.mesh.pki.GenesisPayload;
import io.aethercore.mesh.pki.MessageSigner;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * What an authority signs with: the federation root certificate, a signer for its key (in a custody), and
 * the genesis payload whose policy it enforces.
 *
 * @param certificateValidity how long node certificates it issues are valid
 */
public record Federation(X509Certificate root, MessageSigner rootSigner, KeyAlgorithm rootAlgorithm,
        GenesisPayload genesis, Duration certificateValidity) {
}
