package io.aethercore.mesh.pki;

import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.net.InetSocketAddress;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What the genesis bundle carries (see docs/mesh-pki.md): the federation's root, the initial Gospel Merkle
 * root, the bootstrap peers with their pinned B4AE keys, the mesh parameters and the enrollment PCR policy.
 * {@link GenesisPayloadCodec} writes and reads it; {@link GenesisBundles} signs and encrypts it.
 *
 * @param version the payload format version, 1
 * @param issuedAt when the bundle was made; kept to the second (the text format's precision)
 */
public record GenesisPayload(int version, String federationName, X509Certificate federationRoot, byte[] initialGospelRoot,
        List<BootstrapPeer> bootstrapPeers, MeshParameters parameters, PcrPolicy enrollmentPolicy, Instant issuedAt) {

    /** The only payload version. */
    public static final int VERSION = 1;
    /** Most bootstrap peers a payload may name. */
    public static final int MAX_PEERS = 1024;

    public GenesisPayload {
        if (version != VERSION) {
            throw new IllegalArgumentException("genesis payload version " + version + " is not supported (only " + VERSION + ")");
        }
        if (federationName == null || !federationName.matches("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}")) {
            throw new IllegalArgumentException("the federation name must be 1 to 64 letters, digits, ' ', '.', '_' or '-'");
        }
        Objects.requireNonNull(federationRoot, "federationRoot");
        if (initialGospelRoot == null || initialGospelRoot.length != 32) {
            throw new IllegalArgumentException("the initial Gospel root must be 32 bytes");
        }
        initialGospelRoot = initialGospelRoot.clone();
        bootstrapPeers = List.copyOf(Objects.requireNonNull(bootstrapPeers, "bootstrapPeers"));
        if (bootstrapPeers.size() > MAX_PEERS) {
            throw new IllegalArgumentException("more than " + MAX_PEERS + " bootstrap peers");
        }
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(enrollmentPolicy, "enrollmentPolicy");
        issuedAt = Objects.requireNonNull(issuedAt, "issuedAt").truncatedTo(ChronoUnit.SECONDS);
    }

    /** The initial Gospel root (a copy). */
    @Override
    public byte[] initialGospelRoot() {
        return initialGospelRoot.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenesisPayload p && p.version == version && p.federationName.equals(federationName)
                && Arrays.equals(der(p.federationRoot), der(federationRoot))
                && Arrays.equals(p.initialGospelRoot, initialGospelRoot) && p.bootstrapPeers.equals(bootstrapPeers)
                && p.parameters.equals(parameters) && p.enrollmentPolicy.equals(enrollmentPolicy)
                && p.issuedAt.equals(issuedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, federationName, Arrays.hashCode(der(federationRoot)), Arrays.hashCode(initialGospelRoot),
                bootstrapPeers, parameters, enrollmentPolicy, issuedAt);
    }

    @Override
    public String toString() {
        return "GenesisPayload[" + federationName + ", root " + Certs.display(federationRoot) + ", gospel "
                + HexFormat.of().formatHex(initialGospelRoot) + ", " + bootstrapPeers.size() + " peers, " + parameters
                + ", " + enrollmentPolicy + ", issued " + issuedAt + "]";
    }

    private static byte[] der(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("certificate cannot be encoded", e);
        }
    }

    /**
     * A peer every node knows from the start; its B4AE keys are pinned from the bundle.
     *
     * @param federationAuthority whether this peer is the Federation Authority (enrolls nodes)
     */
    public record BootstrapPeer(String name, InetSocketAddress address, RawPublicKey x25519, RawPublicKey mlDsa87,
            boolean federationAuthority) {

        public BootstrapPeer {
            if (name == null || !NodeIdentity.NODE_ID.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid bootstrap peer name '" + name + "' (a NodeID)");
            }
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(x25519, "x25519");
            Objects.requireNonNull(mlDsa87, "mlDsa87");
            if (x25519.algorithm() != KeyAlgorithm.X25519 || mlDsa87.algorithm() != KeyAlgorithm.ML_DSA_87) {
                throw new IllegalArgumentException("bootstrap peer " + name + " needs an X25519 and an ML-DSA-87 key");
            }
        }
    }

    /**
     * The parameters every node applies, so that the mesh agrees on them.
     *
     * @param healthyThreshold trust score at or above which a node is healthy
     * @param quarantineThreshold trust score below which a node is quarantined
     */
    public record MeshParameters(int quorumSize, double healthyThreshold, double quarantineThreshold,
            Duration reattestationInterval, Duration heartbeatInterval, boolean allowSoftwareAttestation) {

        public MeshParameters {
            if (quorumSize < 1) {
                throw new IllegalArgumentException("quorum size must be at least 1, got " + quorumSize);
            }
            if (!(0 < quarantineThreshold && quarantineThreshold < healthyThreshold && healthyThreshold <= 1)) {
                throw new IllegalArgumentException("thresholds must satisfy 0 < quarantine < healthy <= 1, got quarantine "
                        + quarantineThreshold + ", healthy " + healthyThreshold);
            }
            requireSeconds(reattestationInterval, "re-attestation interval");
            requireSeconds(heartbeatInterval, "heartbeat interval");
        }

        /** Quorum 1, healthy 0.9, quarantine 0.6, re-attestation 300 s, heartbeat 5 s, no software attestation. */
        public static MeshParameters defaults() {
            return new MeshParameters(1, 0.9, 0.6, Duration.ofSeconds(300), Duration.ofSeconds(5), false);
        }

        private static void requireSeconds(Duration d, String what) {
            if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0 || d.getNano() != 0) {
                throw new IllegalArgumentException("the " + what + " must be a whole number of seconds, at least 1, got " + d);
            }
        }
    }

    /**
     * Which PCRs an enrolling node quotes, and what they must hold.
     *
     * @param expected the required values, or null: any values, only a fresh genuine quote
     */
    public record PcrPolicy(PcrSelection selection, PcrValues expected) {

        public PcrPolicy {
            Objects.requireNonNull(selection, "selection");
            if (expected != null && !expected.selection().equals(selection)) {
                throw new IllegalArgumentException("the expected PCR values are for " + expected.selection()
                        + ", not for the policy's selection " + selection);
            }
        }
    }
}
