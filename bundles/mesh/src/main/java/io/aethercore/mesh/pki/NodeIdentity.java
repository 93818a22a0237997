package io.aethercore.mesh.pki;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a node certificate binds to a NodeID (see {@link NodeCertificates}).
 *
 * @param nodeId 1 to 64 characters {@code [A-Za-z0-9][A-Za-z0-9._-]*}
 * @param nodeKey the node's signing key (Ed25519 or ECDSA P-256), the certificate's subject public key
 * @param b4aeX25519 the node's B4AE X25519 static key
 * @param b4aeMlDsa87 the node's B4AE ML-DSA-87 identity key
 * @param attestation what stands behind the node's quotes
 * @param attestationKey the TPM attestation key, or null (software attestation)
 * @param endorsementKeyDigest hex SHA-256 of the TPM EK public area, or null; stored lower-case
 * @param address where the node listens, or null
 */
public record NodeIdentity(String nodeId, RawPublicKey nodeKey, RawPublicKey b4aeX25519, RawPublicKey b4aeMlDsa87,
        AttestationKind attestation, RawPublicKey attestationKey, String endorsementKeyDigest, InetSocketAddress address) {

    /** The NodeID rule. */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public NodeIdentity {
        if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("invalid NodeID '" + (nodeId == null ? "" : Addresses.shorten(nodeId))
                    + "': 1 to 64 characters, letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        Objects.requireNonNull(nodeKey, "nodeKey");
        if (nodeKey.algorithm() != KeyAlgorithm.ED25519 && nodeKey.algorithm() != KeyAlgorithm.ECDSA_P256) {
            throw new IllegalArgumentException("the node key must be Ed25519 or ECDSA P-256, not " + nodeKey.algorithm().id());
        }
        require(b4aeX25519, KeyAlgorithm.X25519, "B4AE X25519 key");
        require(b4aeMlDsa87, KeyAlgorithm.ML_DSA_87, "B4AE ML-DSA-87 key");
        Objects.requireNonNull(attestation, "attestation");
        if (attestationKey != null && attestationKey.algorithm().purpose() != KeyAlgorithm.Purpose.SIGNATURE) {
            throw new IllegalArgumentException("the attestation key must be a signing key, not " + attestationKey.algorithm().id());
        }
        if (endorsementKeyDigest != null) {
            endorsementKeyDigest = endorsementKeyDigest.toLowerCase(Locale.ROOT);
            if (!SHA256_HEX.matcher(endorsementKeyDigest).matches()) {
                throw new IllegalArgumentException("the endorsement key digest must be 64 hex digits (SHA-256)");
            }
        }
    }

    private static void require(RawPublicKey key, KeyAlgorithm algorithm, String what) {
        Objects.requireNonNull(key, what);
        if (key.algorithm() != algorithm) {
            throw new IllegalArgumentException("the " + what + " is " + key.algorithm().id());
        }
    }
}
