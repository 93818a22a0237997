package io.aethercore.mesh.internal.command;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.mesh.internal.RootKeys;
import io.aethercore.mesh.pki.FederationRoot;
import io.aethercore.mesh.pki.GenesisBundles;
import io.aethercore.mesh.pki.GenesisPayload;
import io.aethercore.mesh.pki.GenesisPayload.BootstrapPeer;
import io.aethercore.mesh.pki.GenesisPayload.MeshParameters;
import io.aethercore.mesh.pki.GenesisPayload.PcrPolicy;
import io.aethercore.mesh.pki.Pem;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * {@code aether:genesis}: the genesis bundle (playbook Step 2.2), made on the Federation Authority. The
 * authority itself is the bundle's bootstrap peer: its NodeID, address and B4AE keys come from this node.
 */
@Service
@Command(scope = "aether", name = "genesis",
        description = "Writes the genesis bundle: CMS SignedData by the federation root inside EnvelopedData (password and/or certificate recipients).")
public class GenesisCommand implements Action {

    @Option(name = "--root-cert", required = true, description = "the federation root certificate (PEM)")
    String rootCert;

    @Option(name = "--initial-merkle-root", required = true, description = "the initial Gospel Merkle root (64 hex digits)")
    String initialRoot;

    @Option(name = "--output", required = true, description = "the bundle to write (mode 0400)")
    String output;

    @Option(name = "--password-file", description = "encrypt to the password on this file's first line (RFC 3211; openssl cms -decrypt -pwri_password)")
    String passwordFile;

    @Option(name = "--recipient", multiValued = true, description = "also encrypt to this certificate (PEM), e.g. an operator's")
    List<String> recipients = new ArrayList<>();

    @Option(name = "--pcrs", description = "PCR selection nodes quote over (default sha256:0,1,2,7)")
    String pcrs = "sha256:0,1,2,7";

    @Option(name = "--pcr-policy", description = "current: nodes must match this node's PCR values (the reference platform); any: only a fresh genuine quote")
    String pcrPolicy = "current";

    @Option(name = "--allow-software-attestation", description = "let nodes without a TPM enrol (marked software everywhere)")
    boolean allowSoftware;

    @Option(name = "--quorum", description = "mesh.quorum_size (default 1)")
    int quorum = 1;

    @Option(name = "--reattestation-seconds", description = "re-attestation interval (default 300)")
    int reattestation = 300;

    @Option(name = "--heartbeat-seconds", description = "heartbeat interval (default 5)")
    int heartbeat = 5;

    @Option(name = "--federation-name", description = "the federation's name (default aethercore)")
    String federationName = "aethercore";

    @Option(name = "--authority-name", description = "the Federation Authority's NodeID (default: node_id of io.aethercore.mesh on this node)")
    String authorityName;

    @Option(name = "--authority-address", description = "host:port where nodes reach the authority's B4AE endpoint (default: address of io.aethercore.mesh, else this endpoint's)")
    String authorityAddress;

    @Option(name = "--label", description = "label of the root key (default federation-root)")
    String label = "federation-root";

    @Reference
    List<KeyCustody> custodies;

    @Reference(filter = "(" + SecureChannel.MAIN + "=true)")
    SecureChannel channel;

    @Reference
    Attestation attestation;

    @Reference
    ConfigurationAdmin configAdmin;

    @Override
    public Object execute() throws Exception {
        if (!initialRoot.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("--initial-merkle-root must be 64 hex digits (a SHA-256 / BLAKE3 root)");
        }
        if (passwordFile == null && recipients.isEmpty()) {
            throw new IllegalArgumentException("say who can open the bundle: --password-file and/or --recipient");
        }
        Instant now = Instant.now();
        X509Certificate root = Pem.readCertificate(Path.of(rootCert));
        FederationRoot.checkUsable(root, now);
        RootKeys.Located key = RootKeys.find(custodies, "", label).orElseThrow(() -> new IllegalStateException(
                "the root key '" + label + "' is in no custody of this node: run aether:genesis on the Federation Authority"));
        if (!java.util.Arrays.equals(key.handle().publicKey().toSpki(), root.getPublicKey().getEncoded())) {
            throw new IllegalStateException(rootCert + " is not the certificate of the root key '" + label + "'");
        }
        Dictionary<String, Object> mesh = configAdmin.getConfiguration("io.aethercore.mesh", null).getProperties();
        String nodeId = authorityName != null ? authorityName
                : mesh == null || mesh.get("node_id") == null ? "" : String.valueOf(mesh.get("node_id"));
        if (nodeId.isBlank()) {
            throw new IllegalStateException("name the authority: --authority-name, or node_id in io.aethercore.mesh");
        }
        if (!io.aethercore.mesh.enrol.Authority.NODE_ID.matcher(nodeId.trim()).matches()) {
            throw new IllegalArgumentException("'" + nodeId + "' is not a valid NodeID");
        }
        String address = authorityAddress != null ? authorityAddress
                : mesh == null || mesh.get("address") == null ? "" : String.valueOf(mesh.get("address"));
        if (!address.isBlank() && !address.matches("[A-Za-z0-9.:\\[\\]-]+:\\d{1,5}")) {
            throw new IllegalArgumentException("--authority-address must be host:port");
        }
        InetSocketAddress where;
        if (address.isBlank()) {
            InetSocketAddress local = channel.localAddress();
            if (local == null) {
                throw new IllegalStateException("the B4AE endpoint has no transport; set address in io.aethercore.mesh");
            }
            String host = local.getAddress() == null || local.getAddress().isAnyLocalAddress() ? "127.0.0.1" : local.getHostString();
            where = InetSocketAddress.createUnresolved(host, local.getPort());
        } else {
            int c = address.lastIndexOf(':');
            where = InetSocketAddress.createUnresolved(address.substring(0, c), Integer.parseInt(address.substring(c + 1)));
        }
        BootstrapPeer fa = new BootstrapPeer(nodeId.trim(), where,
                channel.localKey(KeyAlgorithm.X25519).orElseThrow(), channel.localKey(KeyAlgorithm.ML_DSA_87).orElseThrow(), true);
        PcrSelection selection = PcrSelection.parse(pcrs);
        PcrPolicy policy = switch (pcrPolicy) {
            case "current" -> new PcrPolicy(selection, attestation.readPcrs(selection));
            case "any" -> new PcrPolicy(selection, null);
            default -> throw new IllegalArgumentException("--pcr-policy must be current or any");
        };
        MeshParameters params = new MeshParameters(quorum, 0.9, 0.6, Duration.ofSeconds(reattestation),
                Duration.ofSeconds(heartbeat), allowSoftware);
        GenesisPayload payload = new GenesisPayload(1, federationName, root, HexFormat.of().parseHex(initialRoot.toLowerCase()),
                List.of(fa), params, policy, now);
        char[] password = passwordFile == null ? null : password(Path.of(passwordFile));
        List<X509Certificate> to = new ArrayList<>();
        for (String r : recipients) {
            to.add(Pem.readCertificate(Path.of(r)));
        }
        byte[] bundle = GenesisBundles.seal(payload, key::sign, key.handle().algorithm(), password, to);
        Path out = Path.of(output);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, bundle);
        Files.setPosixFilePermissions(tmp, java.util.Set.of(PosixFilePermission.OWNER_READ));
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("Genesis bundle written: " + out + " (" + bundle.length + " bytes, mode 0400)");
        System.out.println("Federation Authority: " + fa.name() + " at " + where.getHostString() + ":" + where.getPort());
        System.out.println("Enrollment policy: PCRs " + selection + (policy.expected() == null ? " (any values)"
                : " must equal this node's") + "; software attestation " + (allowSoftware ? "allowed" : "refused"));
        return null;
    }

    private static char[] password(Path file) throws Exception {
        char[] pw = GenesisBundles.readPasswordFile(file);
        if (pw.length < 12) {
            throw new IllegalArgumentException("the bundle password in " + file + " must be at least 12 characters");
        }
        return pw;
    }
}
