package io.aethercore.mesh;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.custody.CustodyKind;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.b4ae.internal.PinnedTrustStore;
import io.aethercore.crypto.internal.BcSignatures;
import io.aethercore.mesh.enrol.Authority;
import io.aethercore.mesh.enrol.EnrollmentClient;
import io.aethercore.mesh.enrol.Federation;
import io.aethercore.mesh.enrol.SignatureCheck;
import io.aethercore.mesh.link.MemoryNet;
import io.aethercore.mesh.link.MeshLink;
import io.aethercore.mesh.pki.FederationRoot;
import io.aethercore.mesh.pki.GenesisPayload;
import io.aethercore.mesh.pki.GenesisPayload.BootstrapPeer;
import io.aethercore.mesh.pki.GenesisPayload.MeshParameters;
import io.aethercore.mesh.pki.GenesisPayload.PcrPolicy;
import io.aethercore.mesh.pki.NodeCertificates;
import io.aethercore.mesh.pki.NodeIdentity;
import io.aethercore.mesh.registry.DefaultTrustPolicy;
import io.aethercore.mesh.registry.NodeCertInfo;
import io.aethercore.mesh.registry.Registry;
import io.aethercore.support.lifecycle.Workers;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A federation in one JVM: a root key (software, for tests), a genesis payload, an authority node and
 * member nodes over a {@link MemoryNet}, each with the real engine (MeshNode, Authority, EnrollmentClient,
 * Registry) and a real trust store. Attestation is whatever the test gives each node: swtpm through the
 * TPM bundle, or the software stand-in.
 */
public final class MeshFixture implements AutoCloseable {

    static final BcSignatures SIGNATURES = new BcSignatures();
    /** One provider instance: building one costs milliseconds, too much per signature (benchmarks sign with it). */
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    public static final SignatureCheck CHECK = SIGNATURES::verify;

    final MemoryNet net = new MemoryNet();
    final Path dir;
    public final KeyPair rootKey = generate("Ed25519");
    public final X509Certificate root;
    final List<TestNode> nodes = new ArrayList<>();
    final Clock clock = Clock.systemUTC();

    public MeshFixture(Path dir) throws Exception {
        this.dir = dir;
        this.root = FederationRoot.selfSigned("Test Federation Root", RawPublicKey.fromSpki(rootKey.getPublic().getEncoded()),
                m -> sign(rootKey, "Ed25519", m), Instant.now().minusSeconds(60), Duration.ofDays(30));
    }

    static KeyPair generate(String algorithm) {
        try {
            return KeyPairGenerator.getInstance(algorithm, BC)
                    .generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] sign(KeyPair key, String algorithm, byte[] message) throws Exception {
        Signature s = Signature.getInstance(algorithm, BC);
        s.initSign(key.getPrivate());
        s.update(message);
        return s.sign();
    }

    public GenesisPayload genesis(TestNode authority, PcrPolicy policy, boolean allowSoftware, Duration reattest) {
        return new GenesisPayload(1, "test", root, new byte[32],
                List.of(new BootstrapPeer(authority.name, InetSocketAddress.createUnresolved("localhost", 4000),
                        authority.x25519, authority.mlDsa, true)),
                new MeshParameters(1, 0.9, 0.6, reattest, Duration.ofSeconds(1), allowSoftware), policy, Instant.now());
    }

    public static PcrPolicy anyPcrs() {
        return new PcrPolicy(PcrSelection.PLAYBOOK, null);
    }

    /** A node's keys and engine parts; {@link #startAuthority} or {@link #startMember} runs it. */
    public final class TestNode {
        public final String name;
        public final Attestation attestation;
        final KeyPair nodeKeyPair = generate("Ed25519");
        final KeyPair mlDsaPair = generate("ML-DSA-87");
        final KeyPair x25519Pair = generate("X25519");
        public final RawPublicKey mlDsa;
        public final RawPublicKey x25519;
        public final NodeKey nodeKey;
        /** The node key's handle and key pair now: {@link #moveNodeKey} replaces them, as the node-key policy does. */
        volatile Object[] currentKey;
        final PinnedTrustStore trust = new PinnedTrustStore(Duration.ofDays(90), Duration.ofDays(7));
        final Workers workers;
        public Registry registry;
        MeshLink link;
        MeshNode node;
        Authority authority;
        public EnrollmentClient client;
        /** The Gospel's journal: kept across {@link #stop()} and a new start, as a disk would be. */
        public io.aethercore.mesh.gospel.MemoryJournal journal = new io.aethercore.mesh.gospel.MemoryJournal();
        public final List<io.aethercore.api.mesh.MeshEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

        MeshNode.GospelParts parts() {
            return new MeshNode.GospelParts(journal, CHECK, io.aethercore.mesh.gospel.GospelSync.Tuning.defaults(),
                    events::add, new java.util.Random(name.hashCode()));
        }

        public MeshNode node() {
            return node;
        }

        /** What the node-key policy does when a better-ranked custody appears: a new key in another custody. */
        public void moveNodeKey() throws Exception {
            KeyPair moved = generate("Ed25519");
            currentKey = new Object[] {new KeyHandle("pkcs11:token", CustodyKind.HSM, "node-signing",
                    RawPublicKey.fromSpki(moved.getPublic().getEncoded()), Instant.now()), moved};
        }

        TestNode(String name, Attestation attestation) throws Exception {
            this.name = name;
            this.attestation = attestation;
            this.mlDsa = RawPublicKey.fromSpki(mlDsaPair.getPublic().getEncoded());
            this.x25519 = RawPublicKey.fromSpki(x25519Pair.getPublic().getEncoded());
            RawPublicKey pub = RawPublicKey.fromSpki(nodeKeyPair.getPublic().getEncoded());
            currentKey = new Object[] {new KeyHandle("test", CustodyKind.SOFTWARE, "node", pub, Instant.now()), nodeKeyPair};
            this.nodeKey = new NodeKey() {
                @Override
                public KeyHandle handle() {
                    return (KeyHandle) currentKey[0];
                }

                @Override
                public byte[] sign(byte[] message) {
                    try {
                        return MeshFixture.sign((KeyPair) currentKey[1], "Ed25519", message);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
            this.workers = Workers.create("test-" + name);
            nodes.add(this);
        }

        public Registry newRegistry(GenesisPayload g) {
            MeshParameters p = g.parameters();
            return new Registry(clock, () -> new DefaultTrustPolicy(p.healthyThreshold(), p.quarantineThreshold()),
                    p.reattestationInterval(), p.heartbeatInterval(), cert -> {
                        try {
                            NodeCertificates.verify(cert, root, Instant.now());
                            NodeIdentity id = NodeCertificates.read(cert);
                            return new NodeCertInfo(id.nodeId(), id.attestation(), id.address(),
                                    id.b4aeMlDsa87().fingerprint(), id.nodeKey().fingerprint());
                        } catch (Exception e) {
                            throw new io.aethercore.api.mesh.MeshException(e.getMessage(), e);
                        }
                    });
        }

        NodeIdentity identity() throws Exception {
            return new NodeIdentity(name, nodeKey.handle().publicKey(), x25519, mlDsa, attestation.kind(), null, null,
                    InetSocketAddress.createUnresolved("localhost", 4000));
        }

        public void startAuthority(GenesisPayload g) throws Exception {
            registry = newRegistry(g);
            link = net.join(name, mlDsa, trust, Executors.newFixedThreadPool(2), true);
            Federation f = new Federation(root, m -> MeshFixture.sign(rootKey, "Ed25519", m), KeyAlgorithm.ED25519, g,
                    Duration.ofDays(10));
            MeshNode[] holder = new MeshNode[1];
            authority = new Authority(f, registry, CHECK, clock, new SecureRandom(), (cert, id) -> {
                MeshNode.pin(trust, id, cert.getNotBefore().toInstant());
                holder[0].issued(cert);
            });
            node = new MeshNode(name, g, registry, link, trust, attestation, nodeKey, clock, authority, null, workers,
                    parts());
            holder[0] = node;
            X509Certificate own = NodeCertificates.issue(root, m -> MeshFixture.sign(rootKey, "Ed25519", m), identity(),
                    Instant.now().minusSeconds(60), Duration.ofDays(10));
            node.join(own);
        }

        public void startMember(GenesisPayload g) throws Exception {
            registry = newRegistry(g);
            for (BootstrapPeer p : g.bootstrapPeers()) {
                trust.pin(p.name(), p.x25519(), g.issuedAt().minusSeconds(1));
                trust.pin(p.name(), p.mlDsa87(), g.issuedAt().minusSeconds(1));
            }
            link = net.join(name, mlDsa, trust, Executors.newFixedThreadPool(2), false);
            MeshNode[] holder = new MeshNode[1];
            Path certFile = Files.createDirectories(dir.resolve(name + "-" + mlDsa.fingerprint().substring(0, 8)))
                    .resolve("node-cert.pem");
            client = new EnrollmentClient(g, new EnrollmentClient.Self(name, attestation, nodeKey, x25519, mlDsa,
                    "localhost:4000"), link, certFile, clock, cert -> holder[0].join(cert));
            node = new MeshNode(name, g, registry, link, trust, attestation, nodeKey, clock, null, client, workers,
                    parts());
            holder[0] = node;
            workers.thread("enrol", client::run);
        }

        public void stop() {
            net.leave(mlDsa);
            workers.closeAll();
        }
    }

    public TestNode node(String name, Attestation attestation) throws Exception {
        return new TestNode(name, attestation);
    }

    /**
     * An enrollment session as the authority sees it (an initiator it has not pinned, authenticated by the key
     * with this fingerprint), for driving the authority directly; replies go nowhere.
     */
    public static MeshLink.Channel unpinnedChannel(String fingerprint) {
        return new MeshLink.Channel() {
            @Override
            public String peer() {
                return "unpinned-" + fingerprint.substring(0, 16);
            }

            @Override
            public boolean pinned() {
                return false;
            }

            @Override
            public String keyFingerprint() {
                return fingerprint;
            }

            @Override
            public java.util.concurrent.CompletableFuture<Void> reply(byte[] message) {
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
        for (TestNode n : nodes) {
            n.stop();
        }
    }
}
