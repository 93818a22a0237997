package io.aethercore.mesh.internal;

import io.aethercore.mesh.enrol.Authority;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code io.aethercore.mesh} configuration, read once and validated: every key either takes effect
 * or is refused with a message (docs/mesh.md, "Configuration").
 *
 * @param role {@code authority} or {@code member}
 * @param nodeId this node's NodeID (the subject of its certificate); empty: the mesh stays idle
 * @param genesisFile the genesis bundle
 * @param genesisPasswordFile the file holding the bundle's password (first line)
 * @param advertisedAddress host:port other nodes reach this node's B4AE endpoint at; empty: the
 *     endpoint's own address (127.0.0.1 if it listens on all interfaces)
 * @param rootCertificate authority: the federation root certificate
 * @param rootCustody authority: custody holding the root key; empty: the best hardware custody
 * @param rootLabel authority: the root key's label in that custody
 * @param certificateValidity authority: validity of the node certificates it issues
 */
public record MeshSettings(String role, String nodeId, Path genesisFile, Path genesisPasswordFile,
        String advertisedAddress, Path rootCertificate, String rootCustody, String rootLabel,
        Duration certificateValidity) {

    public static final String PID = "io.aethercore.mesh";
    /** DS reference targets (channel.target, ...): Declarative Services applies them. */
    static final Set<String> REFERENCES = Set.of("channel", "trust", "attestation", "nodeKey", "custodies",
            "signatureServices", "trustPolicy");
    static final Set<String> KEYS = Set.of("role", "node_id", "genesis.file", "genesis.password_file", "address",
            "root.certificate", "root.custody", "root.label", "certificate.validity_days");

    public boolean authority() {
        return role.equals("authority");
    }

    static Path etc() {
        return Path.of(System.getProperty("karaf.etc", "etc"), "aethercore");
    }

    static Path data() {
        return Path.of(System.getProperty("karaf.data", "data"), "aethercore", "mesh");
    }

    /** @throws IllegalArgumentException naming every refused key */
    public static MeshSettings parse(Map<String, ?> props) {
        Set<String> problems = new TreeSet<>();
        for (String k : props.keySet()) {
            if (k.equals("quorum_size")) {
                problems.add("quorum_size is a federation parameter: it comes from the genesis bundle (aether:genesis"
                        + " --quorum) and changes through the federation, not through one node's configuration");
                continue;
            }
            if (!KEYS.contains(k) && !k.startsWith("service.") && !k.startsWith("component.")
                    && !k.startsWith("felix.fileinstall.") && !k.equals("osgi.ds.satisfying.condition.target")
                    && !(k.endsWith(".target") && REFERENCES.contains(k.substring(0, k.length() - ".target".length())))) {
                problems.add("unknown key '" + k + "' (known: " + new TreeSet<>(KEYS) + ")");
            }
        }
        String role = str(props, "role", "member");
        if (!role.equals("authority") && !role.equals("member")) {
            problems.add("role must be 'authority' or 'member', got '" + role + "'");
        }
        String nodeId = str(props, "node_id", "");
        if (!nodeId.isEmpty() && !Authority.NODE_ID.matcher(nodeId).matches()) {
            problems.add("node_id '" + nodeId + "' must be 1 to 64 characters of A-Z a-z 0-9 . _ - (starting with a letter or digit)");
        }
        String address = str(props, "address", "");
        if (!address.isEmpty() && !address.matches("[A-Za-z0-9.:\\[\\]-]+:\\d{1,5}")) {
            problems.add("address '" + address + "' must be host:port");
        }
        long days = 365;
        try {
            days = Long.parseLong(str(props, "certificate.validity_days", "365"));
            if (days < 1 || days > 3650) {
                problems.add("certificate.validity_days must be 1 to 3650, got " + days);
            }
        } catch (NumberFormatException e) {
            problems.add("certificate.validity_days is not a number");
        }
        String label = str(props, "root.label", "federation-root");
        if (!label.matches("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")) {
            problems.add("root.label '" + label + "' is not a valid key label");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("configuration " + PID + " refused: " + String.join("; ", problems));
        }
        return new MeshSettings(role, nodeId, path(props, "genesis.file", etc().resolve("genesis-bundle.bin")),
                path(props, "genesis.password_file", etc().resolve("genesis-bundle.pass")), address,
                path(props, "root.certificate", etc().resolve("federation-root.pem")), str(props, "root.custody", ""),
                label, Duration.ofDays(days));
    }

    private static String str(Map<String, ?> p, String key, String def) {
        Object v = p.get(key);
        return v == null ? def : String.valueOf(v).trim();
    }

    private static Path path(Map<String, ?> p, String key, Path def) {
        String v = str(p, key, "");
        return v.isEmpty() ? def : Path.of(v);
    }
}
