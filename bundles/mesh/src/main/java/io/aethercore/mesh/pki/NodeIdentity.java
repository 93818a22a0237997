package io.aethercore.mesh.pki;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a node certificate says about its node.
 *
 * @param nodeId the NodeID (certificate subject CN): 1 to 64 of {@code A-Z a-z 0-9 . _ -}
 * @param nodeKey the node's signing key (Ed25519 or P-256), the certificate's subject key
 * @param b4aeX25519 its B4AE static X25519 key (Mode A, mac1 and cookies)
 * @param b4aeMlDsa87 its B4AE ML-DSA-87 key (Mode B authentication)
 * @param attestation how it attested at enrollment
 * @param attestationKey its TPM attestation key (P-256), or null for a software node
 * @param endorsementKeyDigest hex SHA-256 of its EK public area, or null
 * @param address where its B4AE endpoint listens, or null
 */
public record NodeIdentity(String nodeId, RawPublicKey nodeKey, RawPublicKey b4aeX25519, RawPublicKey b4aeMlDsa87,
        AttestationKind attestation, RawPublicKey attestationKey, String endorsementKeyDigest, InetSocketAddress address) {

    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public NodeIdentity {
        Objects.requireNonNull(nodeId, "nodeId");
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("NodeID '" + nodeId + "' must be 1 to 64 of A-Z a-z 0-9 . _ - (starting with a letter or digit)");
        }
        Objects.requireNonNull(nodeKey, "nodeKey");
        Objects.requireNonNull(attestation, "attestation");
        if (nodeKey.algorithm() != KeyAlgorithm.ED25519 && nodeKey.algorithm() != KeyAlgorithm.ECDSA_P256) {
            throw new IllegalArgumentException("a node key is Ed25519 or ECDSA P-256, not " + nodeKey.algorithm().id());
        }
        if (b4aeX25519 == null || b4aeX25519.algorithm() != KeyAlgorithm.X25519) {
            throw new IllegalArgumentException("the B4AE static key must be X25519");
        }
        if (b4aeMlDsa87 == null || b4aeMlDsa87.algorithm() != KeyAlgorithm.ML_DSA_87) {
            throw new IllegalArgumentException("the B4AE authentication key must be ML-DSA-87");
        }
        if (attestationKey != null && attestationKey.algorithm() != KeyAlgorithm.ECDSA_P256) {
            throw new IllegalArgumentException("an attestation key is ECDSA P-256");
        }
        if (endorsementKeyDigest != null && !endorsementKeyDigest.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("the EK digest is 64 lower-case hex digits");
        }
    }
}
