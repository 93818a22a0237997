package io.aethercore.mesh.internal;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleVine;
import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.mesh.Enrollment;
import io.aethercore.api.mesh.MeshEvent;
import io.aethercore.api.mesh.FederationAuthority;
import io.aethercore.api.mesh.MeshException;
import io.aethercore.api.mesh.TrustPolicy;
import io.aethercore.mesh.MeshNode;
import io.aethercore.mesh.enrol.Authority;
import io.aethercore.mesh.enrol.EnrollmentClient;
import io.aethercore.mesh.enrol.Federation;
import io.aethercore.mesh.enrol.SignatureCheck;
import io.aethercore.mesh.gospel.GospelException;
import io.aethercore.mesh.gospel.GospelSync;
import io.aethercore.mesh.link.B4aeLink;
import io.aethercore.mesh.pki.GenesisBundles;
import io.aethercore.mesh.pki.GenesisPayload;
import io.aethercore.mesh.pki.GenesisPayload.BootstrapPeer;
import io.aethercore.mesh.pki.NodeCertificates;
import io.aethercore.mesh.pki.NodeIdentity;
import io.aethercore.mesh.pki.Pem;
import io.aethercore.mesh.registry.DefaultTrustPolicy;
import io.aethercore.mesh.registry.NodeCertInfo;
import io.aethercore.mesh.registry.Registry;
import io.aethercore.support.lifecycle.Workers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the mesh on a node: genesis bundle, registry, link, then the authority or the member's enrollment. */
final class MeshRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MeshRuntime.class);

    /** Where the runtime's services go (the component registers them). */
    interface Publisher {
        void registry(Object registry);

        void enrollment(Enrollment enrollment);

        void authority(FederationAuthority authority);

        /** The running node (for the console commands). */
        default void node(MeshNode node) {
        }
    }

    private final MeshSettings settings;
    private final SecureChannel channel;
    private final TrustStore trust;
    private final Attestation attestation;
    private final NodeKey nodeKey;
    private final List<KeyCustody> custodies;
    private final SignatureCheck signatures;
    private final Supplier<TrustPolicy> policy;
    private final Workers workers;
    private final Publisher publisher;
    private final MerkleVine vine;
    private final java.util.function.Consumer<MeshEvent> events;
    private final Clock clock = Clock.systemUTC();
    private volatile MerkleLog gospelLog;
    private volatile MerkleLog gospelClaim;
    private volatile MeshNode node;
    private volatile B4aeLink link;

    MeshRuntime(MeshSettings settings, SecureChannel channel, TrustStore trust, Attestation attestation, NodeKey nodeKey,
            List<KeyCustody> custodies, SignatureCheck signatures, Supplier<TrustPolicy> policy, Workers workers,
            Publisher publisher, MerkleVine vine, java.util.function.Consumer<MeshEvent> events) {
        this.vine = vine;
        this.events = events;
        this.settings = settings;
        this.channel = channel;
        this.trust = trust;
        this.attestation = attestation;
        this.nodeKey = nodeKey;
        this.custodies = custodies;
        this.signatures = signatures;
        this.policy = policy;
        this.workers = workers;
        this.publisher = publisher;
    }

    void start() {
        if (settings.nodeId().isEmpty()) {
            LOG.info("[INFO] Mesh idle: set node_id in {} to join a federation", MeshSettings.PID);
            return;
        }
        GenesisPayload genesis;
        try {
            genesis = loadGenesis();
        } catch (MeshException e) {
            LOG.error("[ERROR] Genesis bundle refused: {}", e.getMessage());
            publisher.enrollment(new FixedEnrollment(Enrollment.State.GENESIS_INVALID, settings.nodeId(),
                    attestation.kind(), e.getMessage()));
            return;
        }
        var params = genesis.parameters();
        X509Certificate root = genesis.federationRoot();
        Registry registry = new Registry(clock, () -> Optional.ofNullable(policy.get()).orElseGet(() ->
                defaultPolicy(params.healthyThreshold(), params.quarantineThreshold())),
                params.reattestationInterval(), params.heartbeatInterval(), cert -> certInfo(cert, root));
        publisher.registry(registry);
        link = new B4aeLink(channel, trust, workers.pool("dispatch", 2, 4096), r -> workers.thread("accept", r));
        try {
            if (settings.authority()) {
                startAuthority(genesis, registry);
            } else {
                startMember(genesis, registry);
            }
        } catch (MeshException e) {
            LOG.error("[ERROR] {}", e.getMessage());
            publisher.enrollment(new FixedEnrollment(Enrollment.State.REFUSED, settings.nodeId(), attestation.kind(),
                    e.getMessage()));
        }
    }

    /** The genesis thresholds, or the mesh-wide values the Gospel set since (docs/gospel.md, "Configuration"). */
    private TrustPolicy defaultPolicy(double healthy, double quarantine) {
        MeshNode n = node;
        if (n != null) {
            var c = n.gospel().configuration();
            double h = Double.parseDouble(c.getOrDefault(io.aethercore.mesh.gospel.MeshKeys.HEALTHY, String.valueOf(healthy)));
            double q = Double.parseDouble(c.getOrDefault(io.aethercore.mesh.gospel.MeshKeys.QUARANTINE,
                    String.valueOf(quarantine)));
            if (q < h) {
                return new DefaultTrustPolicy(h, q);
            }
            LOG.warn("[WARN] Mesh-wide thresholds healthy {} / quarantine {} are inverted; the genesis values apply", h, q);
        }
        return new DefaultTrustPolicy(healthy, quarantine);
    }

    private GenesisPayload loadGenesis() throws MeshException {
        Path file = settings.genesisFile();
        if (!Files.exists(file)) {
            throw new MeshException("no genesis bundle at " + file + " (copy it there with mode 0400)");
        }
        LOG.info("[INFO] Loading genesis bundle from {}", file);
        try {
            byte[] bundle = GenesisBundles.readBundleFile(file);
            char[] password = GenesisBundles.readPasswordFile(settings.genesisPasswordFile());
            LOG.info("[INFO] Verifying bundle signature...");
            GenesisPayload p = GenesisBundles.open(bundle, password, clock.instant());
            LOG.info("[SUCCESS] Genesis bundle validated");
            return p;
        } catch (io.aethercore.mesh.pki.PkiException e) {
            throw new MeshException(e.getMessage(), e);
        }
    }

    private static NodeCertInfo certInfo(X509Certificate cert, X509Certificate root) throws MeshException {
        try {
            NodeCertificates.verify(cert, root, Instant.now());
            NodeIdentity id = NodeCertificates.read(cert);
            return new NodeCertInfo(id.nodeId(), id.attestation(), id.address(), id.b4aeMlDsa87().fingerprint(),
                    id.nodeKey().fingerprint());
        } catch (io.aethercore.mesh.pki.PkiException e) {
            throw new MeshException("not a node certificate of this federation: " + e.getMessage(), e);
        }
    }

    private RawPublicKey localKey(KeyAlgorithm a) throws MeshException {
        return channel.localKey(a).orElseThrow(() -> new MeshException("the B4AE endpoint has no " + a.id() + " key"));
    }

    private String advertised() {
        if (!settings.advertisedAddress().isEmpty()) {
            return settings.advertisedAddress();
        }
        InetSocketAddress a = channel.localAddress();
        if (a == null) {
            return "";
        }
        String host = a.getAddress() == null || a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
        return host + ":" + a.getPort();
    }

    private NodeIdentity ownIdentity() throws Exception {
        Attestation att = attestation;
        boolean tpm = att.kind() == AttestationKind.TPM;
        String ekDigest = null;
        if (tpm) {
            var ek = att.endorsementKey();
            if (ek.isPresent()) {
                ekDigest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ek.get().tpmPublic()));
            }
        }
        String address = advertised();
        InetSocketAddress sock = null;
        if (!address.isEmpty()) {
            int c = address.lastIndexOf(':');
            sock = InetSocketAddress.createUnresolved(address.substring(0, c), Integer.parseInt(address.substring(c + 1)));
        }
        return new NodeIdentity(settings.nodeId(), nodeKey.handle().publicKey(), localKey(KeyAlgorithm.X25519),
                localKey(KeyAlgorithm.ML_DSA_87), att.kind(), tpm ? att.attestationKey().publicKey() : null, ekDigest, sock);
    }

    private void startAuthority(GenesisPayload genesis, Registry registry) throws MeshException {
        BootstrapPeer me = genesis.bootstrapPeers().stream().filter(BootstrapPeer::federationAuthority).findFirst()
                .orElseThrow(() -> new MeshException("the genesis bundle names no Federation Authority"));
        if (!me.name().equals(settings.nodeId()) || !me.mlDsa87().equals(localKey(KeyAlgorithm.ML_DSA_87))
                || !me.x25519().equals(localKey(KeyAlgorithm.X25519))) {
            throw new MeshException("this node (" + settings.nodeId() + ") is not the Federation Authority the genesis"
                    + " bundle pins (" + me.name() + "): its B4AE identity differs");
        }
        X509Certificate root = genesis.federationRoot();
        try {
            X509Certificate configured = Pem.readCertificate(settings.rootCertificate());
            if (!configured.equals(root)) {
                throw new MeshException("the genesis bundle carries another federation root than "
                        + settings.rootCertificate() + " (root.certificate): issue the bundle with this root");
            }
        } catch (io.aethercore.mesh.pki.PkiException e) {
            throw new MeshException("the authority needs its root certificate (root.certificate): " + e.getMessage(), e);
        }
        RootKeys.Located key = RootKeys.find(custodies, settings.rootCustody(), settings.rootLabel())
                .orElseThrow(() -> new MeshException("the federation root key '" + settings.rootLabel()
                        + "' is in no custody of this node; run aether:keygen --type federation-root here"));
        if (!java.util.Arrays.equals(key.handle().publicKey().toSpki(), root.getPublicKey().getEncoded())) {
            throw new MeshException("the root key '" + settings.rootLabel() + "' in custody " + key.custody().name()
                    + " is not the key of the federation root in the genesis bundle");
        }
        Federation federation = new Federation(root, key::sign, key.handle().algorithm(), genesis,
                settings.certificateValidity());
        Path issuedDir = MeshSettings.data().resolve("issued");
        MeshNode[] holder = new MeshNode[1];
        Authority authority = new Authority(federation, registry, signatures, clock, new SecureRandom(), (cert, id) -> {
            save(issuedDir, id.nodeId(), cert);
            MeshNode.pin(trust, id, cert.getNotBefore().toInstant());
            holder[0].issued(cert);
        });
        node = newNode(genesis, registry, authority, null);
        holder[0] = node;
        for (X509Certificate c : loadIssued(issuedDir)) {
            try {
                registry.enrolled(c, c.getNotBefore().toInstant());
            } catch (MeshException e) {
                LOG.warn("[WARN] Ignoring a stored node certificate: {}", e.getMessage());
            }
        }
        X509Certificate own;
        try {
            NodeIdentity id = ownIdentity();
            own = registry.certificate(settings.nodeId()).filter(c -> sameKeys(c, id)).orElse(null);
            if (own == null) {
                own = NodeCertificates.issue(root, key::sign, id, clock.instant().minusSeconds(60),
                        settings.certificateValidity());
                save(issuedDir, id.nodeId(), own);
            }
        } catch (Exception e) {
            throw new MeshException("the authority could not certify itself: " + e.getMessage(), e);
        }
        publisher.authority(new AuthorityService(root, crossCertificates(settings.rootCertificate()), authority, registry,
                settings.genesisFile()));
        LOG.info("[SUCCESS] Federation Authority {} serving enrollment (root {})", settings.nodeId(),
                root.getSubjectX500Principal().getName());
        node.join(own);
    }

    /** The cross-certificates {@code aether:keygen --rotate} wrote beside the root ({@code <root>.cross.pem}). */
    private static List<X509Certificate> crossCertificates(Path rootFile) {
        Path cross = rootFile.resolveSibling(rootFile.getFileName().toString().replaceFirst("\\.pem$", "") + ".cross.pem");
        if (!Files.isRegularFile(cross)) {
            return List.of();
        }
        try {
            return Pem.readCertificates(Files.readString(cross));
        } catch (Exception e) {
            LOG.warn("[WARN] Cross-certificate {} not readable: {}", cross, e.getMessage());
            return List.of();
        }
    }

    private static boolean sameKeys(X509Certificate c, NodeIdentity id) {
        try {
            NodeIdentity have = NodeCertificates.read(c);
            return have.nodeKey().equals(id.nodeKey()) && have.b4aeMlDsa87().equals(id.b4aeMlDsa87());
        } catch (Exception e) {
            return false;
        }
    }

    private void startMember(GenesisPayload genesis, Registry registry) throws MeshException {
        for (BootstrapPeer p : genesis.bootstrapPeers()) {
            trust.pin(p.name(), p.x25519(), genesis.issuedAt());
            trust.pin(p.name(), p.mlDsa87(), genesis.issuedAt());
            trust.setAddress(p.name(), new InetSocketAddress(p.address().getHostString(), p.address().getPort()));
        }
        MeshNode[] holder = new MeshNode[1];
        EnrollmentClient client = new EnrollmentClient(genesis, new EnrollmentClient.Self(settings.nodeId(), attestation,
                nodeKey, localKey(KeyAlgorithm.X25519), localKey(KeyAlgorithm.ML_DSA_87), advertised()), link,
                MeshSettings.data().resolve("node-cert.pem"), clock, cert -> holder[0].join(cert));
        node = newNode(genesis, registry, null, client);
        holder[0] = node;
        publisher.enrollment(client);
        client.run();
    }

    private MeshNode newNode(GenesisPayload genesis, Registry registry, Authority authority, EnrollmentClient client)
            throws MeshException {
        MerkleLog log = gospelJournal();
        try {
            MeshNode n = new MeshNode(settings.nodeId(), genesis, registry, link, trust, attestation, nodeKey, clock,
                    authority, client, workers, new MeshNode.GospelParts(new LogJournal(log), signatures,
                            GospelSync.Tuning.defaults(), events, new SecureRandom()));
            publisher.node(n);
            return n;
        } catch (GospelException e) {
            throw new MeshException("the Gospel cannot start: " + e.getMessage(), e);
        }
    }

    /** The Merkle Vine log {@value LogJournal#LOG}, created on first start and reserved for the mesh. */
    private MerkleLog gospelJournal() throws MeshException {
        Path dir = Path.of(System.getProperty("karaf.data", "data"), "aethercore", "gospel");
        try {
            if (vine.ensureLog(new MerkleVine.LogSpec(LogJournal.LOG, HashAlgorithm.SHA_256, dir, Durability.SYNC,
                    java.time.Duration.ZERO, "aethercore-gospel-journal", LogJournal.WRITER))) {
                LOG.info("[INFO] Created the Gospel's Merkle Vine log in {}", dir);
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            Optional<MerkleLog> log = vine.log(LogJournal.LOG);
            while (log.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
                log = vine.log(LogJournal.LOG);
            }
            MerkleLog l = log.orElseThrow(() -> new MeshException("the Merkle Vine log '" + LogJournal.LOG
                    + "' did not open within 30 s (feature aethercore-merkle)"));
            gospelLog = l;
            gospelClaim = LogJournal.WRITER.equals(l.writer()) ? l.claimWriter(LogJournal.WRITER) : l;
            return gospelClaim;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshException("interrupted while opening the Gospel log", e);
        } catch (io.aethercore.api.merkle.MerkleLogException e) {
            throw new MeshException("the Gospel's Merkle Vine log cannot be opened: " + e.getMessage(), e);
        }
    }

    private static void save(Path dir, String nodeId, X509Certificate cert) throws MeshException {
        try {
            Files.createDirectories(dir);
            Pem.write(dir.resolve(nodeId + ".pem"), Pem.encode(cert), PosixFilePermissions.fromString("rw-r-----"));
        } catch (Exception e) {
            throw new MeshException("cannot store the certificate of " + nodeId + ": " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> loadIssued(Path dir) {
        List<X509Certificate> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".pem")).sorted().toList()) {
                try {
                    out.add(Pem.readCertificate(f));
                } catch (Exception e) {
                    LOG.warn("[WARN] Unreadable certificate {}: {}", f.getFileName(), e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warn("[WARN] Cannot list {}: {}", dir, e.getMessage());
        }
        return out;
    }

    @Override
    public void close() {
        MerkleLog claim = gospelClaim;
        if (claim != null && claim != gospelLog) {
            gospelLog.releaseWriter(claim);
        }
        MeshNode n = node;
        if (n != null) {
            n.close();
        } else if (link != null) {
            link.close();
        }
    }
}
