package io.aethercore.mesh.pki;

import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a genesis bundle carries (version 1; the text format is in {@link GenesisPayloadCodec} and
 * docs/mesh-pki.md): the federation root, the initial Gospel Merkle root, the bootstrap peers with their
 * pinned B4AE identities, the mesh parameters, and the PCR policy for enrollment.
 */
public record GenesisPayload(int version, String federationName, X509Certificate federationRoot, byte[] initialGospelRoot,
        List<BootstrapPeer> bootstrapPeers, MeshParameters parameters, PcrPolicy enrollmentPolicy, Instant issuedAt) {

    public GenesisPayload {
        if (version != 1) {
            throw new IllegalArgumentException("genesis payload version " + version + " is not supported (1 is)");
        }
        Objects.requireNonNull(federationName, "federationName");
        if (!federationName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("federation name '" + federationName + "' must be 1 to 64 of A-Z a-z 0-9 . _ -");
        }
        Objects.requireNonNull(federationRoot, "federationRoot");
        if (initialGospelRoot == null || initialGospelRoot.length != 32) {
            throw new IllegalArgumentException("the initial Gospel root is 32 bytes");
        }
        initialGospelRoot = initialGospelRoot.clone();
        bootstrapPeers = List.copyOf(bootstrapPeers);
        if (bootstrapPeers.stream().filter(BootstrapPeer::federationAuthority).count() != 1) {
            throw new IllegalArgumentException("exactly one bootstrap peer must be the Federation Authority");
        }
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(enrollmentPolicy, "enrollmentPolicy");
        Objects.requireNonNull(issuedAt, "issuedAt");
    }

    @Override
    public byte[] initialGospelRoot() {
        return initialGospelRoot.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenesisPayload p && p.version == version && p.federationName.equals(federationName)
                && p.federationRoot.equals(federationRoot) && Arrays.equals(p.initialGospelRoot, initialGospelRoot)
                && p.bootstrapPeers.equals(bootstrapPeers) && p.parameters.equals(parameters)
                && p.enrollmentPolicy.equals(enrollmentPolicy) && p.issuedAt.equals(issuedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, federationName, federationRoot, Arrays.hashCode(initialGospelRoot), bootstrapPeers,
                parameters, enrollmentPolicy, issuedAt);
    }

    /** A peer every node knows from the start: where it is and its pinned B4AE keys. */
    public record BootstrapPeer(String name, InetSocketAddress address, RawPublicKey x25519, RawPublicKey mlDsa87,
            boolean federationAuthority) {
        public BootstrapPeer {
            if (name == null || !NodeIdentity.NODE_ID.matcher(name).matches()) {
                throw new IllegalArgumentException("bootstrap peer name '" + name + "' is not a NodeID");
            }
            Objects.requireNonNull(address, "address");
            if (x25519 == null || x25519.algorithm() != KeyAlgorithm.X25519 || mlDsa87 == null
                    || mlDsa87.algorithm() != KeyAlgorithm.ML_DSA_87) {
                throw new IllegalArgumentException("bootstrap peer " + name + " needs an X25519 and an ML-DSA-87 key");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BootstrapPeer p && p.name.equals(name) && p.address.getHostString().equals(address.getHostString())
                    && p.address.getPort() == address.getPort() && p.x25519.equals(x25519) && p.mlDsa87.equals(mlDsa87)
                    && p.federationAuthority == federationAuthority;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, address.getHostString(), address.getPort(), x25519, mlDsa87, federationAuthority);
        }
    }

    /** The mesh's shared parameters (the same on every node because they come from here). */
    public record MeshParameters(int quorumSize, double healthyThreshold, double quarantineThreshold,
            Duration reattestationInterval, Duration heartbeatInterval, boolean allowSoftwareAttestation) {
        public MeshParameters {
            if (quorumSize < 1 || quorumSize > 1000) {
                throw new IllegalArgumentException("quorum size must be 1 to 1000");
            }
            if (!(quarantineThreshold > 0 && quarantineThreshold < healthyThreshold && healthyThreshold <= 1)) {
                throw new IllegalArgumentException("thresholds must satisfy 0 < quarantine < healthy <= 1");
            }
            if (reattestationInterval.compareTo(Duration.ofSeconds(1)) < 0
                    || heartbeatInterval.compareTo(Duration.ofSeconds(1)) < 0
                    || reattestationInterval.compareTo(Duration.ofDays(7)) > 0
                    || heartbeatInterval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("intervals must be at least 1 s (re-attestation at most 7 days,"
                        + " heartbeat at most 1 h)");
            }
        }

        public static MeshParameters defaults() {
            return new MeshParameters(1, 0.9, 0.6, Duration.ofSeconds(300), Duration.ofSeconds(5), false);
        }
    }

    /** The PCRs an enrolling node quotes over, and the values they must have (null: any, only a genuine fresh quote). */
    public record PcrPolicy(PcrSelection selection, PcrValues expected) {
        public PcrPolicy {
            Objects.requireNonNull(selection, "selection");
            if (expected != null && !expected.selection().equals(selection)) {
                throw new IllegalArgumentException("expected PCR values cover " + expected.selection() + ", not " + selection);
            }
        }
    }
}
