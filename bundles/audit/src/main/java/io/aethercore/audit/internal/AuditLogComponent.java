package io.aethercore.audit.internal;

import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.audit.AuditSink;
import io.aethercore.api.crypto.ProviderUnavailableException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.crypto.SignatureVerificationException;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.CustodyUnavailableException;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.audit.IdentityHashing;
import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.api.merkle.MerkleVine;
import io.aethercore.support.service.RankedServices;
import io.aethercore.support.service.ServiceSlot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's audit log (PID {@value #PID}, read into an {@link AuditConfig}; docs/audit.md). Registrar
 * pattern: the {@link AuditLog} service is registered only once the Merkle log, the node key and a
 * signature verifier are there and the log opened (recovering after a crash); it is unregistered and
 * closed when the Merkle log goes away, and reopened when it is back.
 *
 * <p>The dedicated Merkle log ({@code merkle.log}, default {@code audit}) is created through the
 * {@link MerkleVine} when there is none, stored at {@code merkle.tree.path}, with group commit and no
 * extra window: the audit committer batches already.
 */
@Component(immediate = true, configurationPid = AuditLogComponent.PID)
@Designate(ocd = AuditLogComponent.Config.class)
public final class AuditLogComponent {

    public static final String PID = "io.aethercore.audit";
    private static final Logger LOG = LoggerFactory.getLogger(AuditLogComponent.class);
    static final Duration PATIENCE = Duration.ofSeconds(10);
    /** The writer the audit Merkle log is reserved for: only this component's claim appends to it. */
    static final String WRITER = "audit";

    /**
     * The metatype of the PID: dotted keys. {@link AuditConfig} reads it, with the documented aliases
     * {@code log_path}, {@code merkle_tree_path} and {@code root_publish_interval_s}.
     */
    @ObjectClassDefinition(name = "AetherCore audit log",
            description = "Signed, Merkle-anchored audit records (docs/audit.md).")
    public @interface Config {
        @AttributeDefinition(name = "enabled")
        boolean enabled() default true;

        @AttributeDefinition(name = "log.path", description = "Directory of the audit records, checkpoints and"
                + " signer keys. Empty: ${karaf.data}/aethercore/audit/records. Alias: log_path.")
        String log_path() default "";

        @AttributeDefinition(name = "merkle.tree.path", description = "Directory of the audit Merkle log (used when"
                + " the log is first created). Empty: ${karaf.data}/aethercore/audit/merkle. Alias: merkle_tree_path.")
        String merkle_tree_path() default "";

        @AttributeDefinition(name = "root.publish.interval.s", description = "Seconds between published signed"
                + " checkpoints (checkpoint file and sinks); a checkpoint is published only if the log grew."
                + " Alias: root_publish_interval_s.")
        long root_publish_interval_s() default 300;

        @AttributeDefinition(name = "retention.days", description = "Records older than this may be dropped by"
                + " aether:audit-prune (their leaf hashes stay). 2555 days: 7 years (NIST 800-171).")
        int retention_days() default 2555;

        @AttributeDefinition(name = "merkle.log", description = "Name of the dedicated Merkle log.")
        String merkle_log() default "audit";

        @AttributeDefinition(name = "hash.algorithm", description = "Of the Merkle log, when it is created: BLAKE3 or SHA-256.")
        String hash_algorithm() default "BLAKE3";

        @AttributeDefinition(name = "origin", description = "Checkpoint origin and signer name. Empty:"
                + " aethercore/<karaf.name>/audit.")
        String origin() default "";

        @AttributeDefinition(name = "segment.bytes", description = "Size at which a record segment file is sealed.")
        long segment_bytes() default 64L << 20;

        @AttributeDefinition(name = "identity.key.file", description = "Key of hash_identities for sinks. Empty:"
                + " ${karaf.etc}/aethercore/audit-identity.key (created, mode 0600).")
        String identity_key_file() default "";

        @AttributeDefinition(name = "console.audit", description = "Record every state-changing console command, of"
                + " every scope, before it runs (turning this off is itself recorded).")
        boolean console_audit() default true;

        @AttributeDefinition(name = "console.fail.closed", description = "Refuse a state-changing console command"
                + " when the audit log cannot record it. false: run it anyway with an ERROR log line (for repairs).")
        boolean console_fail_closed() default true;

        @AttributeDefinition(name = "checkpoint.pinned_keys", description = "Fingerprints (SHA-256 of the public key,"
                + " hex, as the records' key_id) of the signer keys that bin/audit-integrity-check trusts, in addition to"
                + " the key the node recorded at first start in ${karaf.etc}/aethercore/audit-pinned-keys.")
        String[] checkpoint_pinned__keys() default {};

        @AttributeDefinition(name = "console.readonly", description = "Console commands that change nothing and are"
                + " not recorded, in addition to Karaf's read-only commands and those marked @ReadOnly: scope:name,"
                + " or a bare name for aether:name.")
        String[] console_readonly() default {"audit-log", "audit-verify", "audit-check", "audit-status",
            "audit-export", "crypto-providers", "hash", "vine-status", "vine-prove", "hsm-tokens", "hsm-keys",
            "list-nodes", "mesh-status", "tpm-test", "bench", "dashboard-metrics", "b4ae-sessions", "b4ae-stats",
            "tpm-pcrs"};
    }

    private final BundleContext context;
    private final AuditConfig config;
    private final IdentityHashing identities;
    private final List<MerkleLog> logs = new ArrayList<>();              // guarded by this
    private final ServiceSlot<NodeKey> nodeKey = new ServiceSlot<>("node signing key (aethercore-crypto)");
    /**
     * Why the audit log is not registered, for the console (null while it is, or before the first try). This
     * component stays active while it waits, so the Service Component Runtime would call it running; the
     * commands in this bundle read the reason here (one audit log per node, one writer: this component).
     */
    private static volatile String unavailable;
    private final RankedServices<SignatureService> verifiers = new RankedServices<>("signature verifier");
    private final List<Object[]> sinks = new ArrayList<>();               // [AuditSink, Map] guarded by this
    private AuditEngine engine;                                           // guarded by this
    private MerkleLog engineLog;      // the Merkle log service the engine runs on, guarded by this
    private MerkleLog claim;          // the writer's claim on it (null: an unreserved log), guarded by this
    private ServiceRegistration<AuditLog> registration;                   // guarded by this
    private boolean active;                                               // guarded by this

    @Activate
    public AuditLogComponent(BundleContext context, Config config, Map<String, Object> properties,
            @Reference IdentityHashing identities) {
        this.context = context;
        this.config = AuditConfig.from(config, properties);
        this.identities = identities;
        synchronized (this) {
            active = config.enabled();
        }
        if (!config.enabled()) {
            LOG.info("Audit log disabled by configuration ({} enabled = false)", PID);
            unavailable = "it is disabled (etc/" + PID + ".cfg: enabled = false)";
            return;
        }
        tryOpen();
    }

    /** Why no audit log is registered now, or null when the reason is not this component's (see the field). */
    public static String unavailableReason() {
        return unavailable;
    }

    AuditConfig config() {
        return config;
    }

    /** The dedicated Merkle log's description, for {@link MerkleVine#ensureLog}. */
    MerkleVine.LogSpec merkleLogSpec() {
        return new MerkleVine.LogSpec(config.merkleLog(), HashAlgorithm.fromId(config.hashAlgorithm()),
                config.merkleDirectory(), Durability.GROUP, Duration.ZERO, config.origin() + "/merkle", WRITER);
    }

    /** Creates the dedicated Merkle log if the node has none of that name. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindVine(MerkleVine vine) {
        synchronized (this) {
            if (!active) {
                return;
            }
        }
        String name = config.merkleLog();
        try {
            if (vine.ensureLog(merkleLogSpec())) {
                LOG.info("Audit log: created Merkle log '{}' in {}", name, config.merkleDirectory());
            }
        } catch (MerkleLogException | RuntimeException e) {
            LOG.error("Audit log: cannot create Merkle log '{}': {}", name, e.getMessage());
        }
    }

    void unbindVine(MerkleVine vine) {
        // the logs themselves come and go through bindLog
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindLog(MerkleLog log) {
        synchronized (this) {
            logs.add(log);
        }
        tryOpen();
    }

    void unbindLog(MerkleLog log) {
        boolean ours;
        synchronized (this) {
            logs.remove(log);
            ours = engine != null && engineLog == log;
        }
        if (ours) {
            LOG.info("Audit log: Merkle log '{}' went away; the audit log closes until it is back", log.name());
            closeEngine();
            tryOpen();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindNodeKey(NodeKey key) {
        nodeKey.bind(key);
        tryOpen();
    }

    void unbindNodeKey(NodeKey key) {
        nodeKey.unbind(key);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindVerifier(SignatureService s, Map<String, Object> props) {
        verifiers.bind(s, props);
        tryOpen();
    }

    void unbindVerifier(SignatureService s) {
        verifiers.unbind(s);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSink(AuditSink sink, Map<String, Object> props) {
        AuditEngine e;
        synchronized (this) {
            sinks.add(new Object[] {sink, props});
            e = engine;
        }
        if (e != null) {
            addSink(e, sink, props);
        }
    }

    void unbindSink(AuditSink sink) {
        AuditEngine e;
        synchronized (this) {
            sinks.removeIf(s -> s[0] == sink);
            e = engine;
        }
        if (e != null) {
            e.sinkHub().remove(sink);
        }
    }

    private void addSink(AuditEngine e, AuditSink sink, Map<String, Object> props) {
        String name = String.valueOf(props.getOrDefault(AuditSink.NAME, props.getOrDefault("name",
                props.getOrDefault("component.name", sink.getClass().getSimpleName()))));
        int capacity = intProp(props.getOrDefault(AuditSink.QUEUE_CAPACITY, props.get("queue.capacity")),
                SinkHub.DEFAULT_CAPACITY);
        boolean hash = Boolean.parseBoolean(String.valueOf(props.getOrDefault(AuditSink.HASH_IDENTITIES,
                props.getOrDefault("hash_identities", "false"))));
        UnaryOperator<String> h = null;
        if (hash) {
            try {
                identities.hash("aethercore"); // the key is there (made on first use)
            } catch (RuntimeException ex) {
                LOG.error("Audit sink '{}' wants hashed identities but the key is unavailable; the sink is not added", name);
                return;
            }
            h = identities::hash;
        }
        e.sinkHub().add(sink, name, capacity, h);
    }

    static int intProp(Object v, int def) {
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return v == null ? def : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            return def;
        }
    }

    /** A node key that follows the bound NodeKey service (waits briefly across a swap). */
    private final NodeKey followingKey = new NodeKey() {
        private NodeKey current() throws KeyCustodyException {
            try {
                return nodeKey.get(PATIENCE);
            } catch (ProviderUnavailableException e) {
                throw new CustodyUnavailableException(e.getMessage(), e);
            }
        }

        @Override
        public KeyHandle handle() throws KeyCustodyException {
            return current().handle();
        }

        @Override
        public byte[] sign(byte[] message) throws KeyCustodyException {
            return current().sign(message);
        }
    };

    /** A verifier that uses the best provider of each key's algorithm at the moment of the call. */
    private final SignatureService followingVerifier = new SignatureService() {
        @Override
        public String provider() {
            return "best-ranked";
        }

        @Override
        public Set<KeyAlgorithm> algorithms() {
            return Set.of(KeyAlgorithm.ED25519, KeyAlgorithm.ECDSA_P256, KeyAlgorithm.ML_DSA_87);
        }

        @Override
        public void verify(RawPublicKey key, byte[] message, byte[] signature)
                throws SignatureVerificationException, MalformedKeyException {
            SignatureService s;
            try {
                s = verifiers.get(key.algorithm().id(), PATIENCE);
            } catch (ProviderUnavailableException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            s.verify(key, message, signature);
        }
    };

    private void tryOpen() {
        synchronized (this) {
            if (!active || engine != null) {
                return;
            }
            MerkleLog log = logs.stream().filter(l -> l.name().equals(config.merkleLog())).findFirst().orElse(null);
            if (log == null) {
                LOG.info("Audit log waits for Merkle log '{}' (feature aethercore-merkle)", config.merkleLog());
                unavailable = "it waits for Merkle log '" + config.merkleLog() + "' (feature aethercore-merkle)";
                return;
            }
            if (nodeKey.getNow() == null) {
                LOG.info("Audit log waits for the node signing key (feature aethercore-crypto)");
                unavailable = "it waits for the node signing key (feature aethercore-crypto)";
                return;
            }
            if (verifiers.bestFor(KeyAlgorithm.ED25519.id()) == null) {
                LOG.info("Audit log waits for a signature verifier (feature aethercore-crypto)");
                unavailable = "it waits for an Ed25519 signature verifier (feature aethercore-crypto)";
                return;
            }
            Path dir = config.logDirectory();
            AuditEngine.Settings s = new AuditEngine.Settings(dir, config.origin(), config.segmentBytes(), 8192, 65_536,
                    config.publishIntervalSeconds());
            MerkleLog writable = log;
            try {
                if (WRITER.equals(log.writer())) {
                    writable = log.claimWriter(WRITER);
                } else {
                    LOG.warn("Audit log: Merkle log '{}' is not reserved for the audit log (writer = '{}'): any caller"
                            + " can append to it and stop the audit log. Set writer = {} in its configuration"
                            + " (etc/io.aethercore.merkle.log-{}.cfg or through ConfigAdmin)", log.name(),
                            log.writer(), WRITER, log.name());
                }
                engine = AuditEngine.open(s, writable, followingKey, followingVerifier);
            } catch (Exception e) {
                LOG.error("Audit log is not available: {}", e.getMessage());
                if (writable != log) {
                    log.releaseWriter(writable);
                }
                unavailable = "it cannot open " + dir + ": " + e;
                return;
            }
            engineLog = log;
            claim = writable == log ? null : writable;
            for (Object[] sink : sinks) {
                @SuppressWarnings("unchecked")
                Map<String, Object> props = (Map<String, Object>) sink[1];
                addSink(engine, (AuditSink) sink[0], props);
            }
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(Constants.SERVICE_DESCRIPTION, "AetherCore audit log");
            props.put("aethercore.audit.retention.days", config.retentionDays());
            registration = context.registerService(AuditLog.class, engine, props);
            unavailable = null;
            pinFirstKey();
            LOG.info("Audit log ready in {} with {} records{}", dir, engine.size(),
                    engine.failure() == null ? "" : " (NOT RECORDING: " + engine.failure() + ")");
        }
    }

    /** At the first start, records the node key's fingerprint as the key the offline check trusts. */
    private void pinFirstKey() {
        Path pins = Path.of(System.getProperty("karaf.etc", "etc"), "aethercore", PinnedKeys.FILE);
        try {
            String fp = followingKey.handle().publicKey().fingerprint();
            if (PinnedKeys.recordFirst(pins, fp)) {
                LOG.info("Audit log: pinned the node key {} for the offline integrity check in {}", fp, pins);
            }
        } catch (Exception e) {
            LOG.warn("Audit log: cannot pin the node key in {} ({}); bin/audit-integrity-check then needs"
                    + " checkpoint.pinned_keys", pins, e.getMessage());
        }
    }

    private void closeEngine() {
        AuditEngine e;
        ServiceRegistration<AuditLog> r;
        MerkleLog service;
        MerkleLog claimed;
        synchronized (this) {
            e = engine;
            r = registration;
            service = engineLog;
            claimed = claim;
            engine = null;
            registration = null;
            engineLog = null;
            claim = null;
        }
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered with the stopping bundle
            }
        }
        if (e != null) {
            e.close();
        }
        if (service != null && claimed != null) {
            service.releaseWriter(claimed);
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            active = false;
        }
        closeEngine();
    }
}
