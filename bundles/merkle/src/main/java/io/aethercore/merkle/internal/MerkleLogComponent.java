package io.aethercore.merkle.internal;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.support.service.RankedServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Locale;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Merkle log per factory configuration ({@code etc/io.aethercore.merkle.log-<name>.cfg}).
 *
 * <p>Registrar pattern (docs/platform.md): the log is opened, and recovered, before its service is
 * registered, and only if that works. Opening needs a hash provider for the log's algorithm; if none
 * is bound yet the component waits for one and opens on its arrival, never blocking activation.
 */
@Component(immediate = true, configurationPid = MerkleLogComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = MerkleLogComponent.Config.class, factory = true)
public final class MerkleLogComponent {

    public static final String PID = "io.aethercore.merkle.log";
    public static final String ALGORITHM = "aethercore.merkle.algorithm";

    private static final Logger LOG = LoggerFactory.getLogger(MerkleLogComponent.class);
    /** How long one operation waits for a hash provider that is being swapped or updated. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    @ObjectClassDefinition(name = "AetherCore Merkle log",
            description = "An append-only Merkle log of the Merkle Vine (audit, gospel, telemetry, ...).")
    public @interface Config {
        @AttributeDefinition(name = "Name", description = "Unique log name, e.g. audit.")
        String name();

        @AttributeDefinition(name = "Hash algorithm", description = "Fixed for the life of the log.",
                options = {@Option(label = "BLAKE3", value = "BLAKE3"), @Option(label = "SHA-256", value = "SHA-256")})
        String hash_algorithm() default "BLAKE3";

        @AttributeDefinition(name = "Storage directory",
                description = "Empty: ${karaf.data}/aethercore/merkle/<name>. ':memory:' keeps the log in memory only.")
        String storage_dir() default "";

        @AttributeDefinition(name = "Default durability",
                description = "SYNC: sync per append; GROUP: group commit within group.commit.ms; ASYNC: acknowledge at once.",
                options = {@Option(label = "SYNC", value = "SYNC"), @Option(label = "GROUP", value = "GROUP"),
                    @Option(label = "ASYNC", value = "ASYNC")})
        String durability() default "GROUP";

        @AttributeDefinition(name = "Group commit window (ms)")
        long group_commit_ms() default 2;

        @AttributeDefinition(name = "Largest entry (bytes)")
        int max_entry_bytes() default 1024 * 1024;

        @AttributeDefinition(name = "Checkpoint origin",
                description = "First line of the log's checkpoints. Empty: aethercore/<karaf.name>/<name>.")
        String origin() default "";

        @AttributeDefinition(name = "Writer", description = "Reserve the log for one writer (the audit log's tree:"
                + " audit): appends through the log service, e.g. aether:vine-append, are refused. Empty: anyone appends.")
        String writer() default "";
    }

    private final BundleContext context;
    private final RankedServices<HashService> hashes = new RankedServices<>("hash provider");
    private final VineLog.Settings settings;
    private final String writer;
    private VineLog log;                                  // guarded by this
    private ServiceRegistration<MerkleLog> registration;  // guarded by this
    private boolean active;                               // guarded by this

    @Activate
    public MerkleLogComponent(BundleContext context, Config config) {
        this.context = context;
        this.settings = settings(config);
        this.writer = config.writer() == null ? "" : config.writer().trim();
        synchronized (this) {
            active = true;
        }
        // the hash providers arrive through bindHash, after construction; the log opens there
    }

    static VineLog.Settings settings(Config config) {
        String name = config.name() == null ? "" : config.name().trim();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("Merkle log name '" + name + "' must be 1 to 64 characters of"
                    + " A-Z a-z 0-9 . _ - (not starting with . _ -)");
        }
        HashAlgorithm alg = HashAlgorithm.fromId(config.hash_algorithm());
        String dir = config.storage_dir() == null ? "" : config.storage_dir().trim();
        Path path;
        if (dir.equals(":memory:")) {
            path = null;
        } else if (dir.isEmpty()) {
            String data = System.getProperty("karaf.data", "data");
            path = Path.of(data, "aethercore", "merkle", name);
        } else {
            path = Path.of(dir);
        }
        String origin = config.origin() == null || config.origin().isBlank()
                ? "aethercore/" + System.getProperty("karaf.name", "node") + "/" + name
                : config.origin().trim();
        return new VineLog.Settings(name, origin, alg, path,
                Durability.valueOf(config.durability().trim().toUpperCase(Locale.ROOT)),
                config.group_commit_ms(), config.max_entry_bytes());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindHash(HashService service, Map<String, Object> properties) {
        hashes.bind(service, properties);
        tryOpen();
    }

    void unbindHash(HashService service) {
        hashes.unbind(service);
    }

    private synchronized void tryOpen() {
        if (!active || log != null || settings == null) {
            return;
        }
        String alg = settings.algorithm().id();
        if (hashes.bestFor(alg) == null) {
            LOG.info("Merkle log '{}' waits for a {} hash provider (feature:install aethercore-crypto)",
                    settings.name(), alg);
            return;
        }
        try {
            log = VineLog.open(settings, () -> hashes.get(alg, PATIENCE));
        } catch (MerkleLogException e) {
            LOG.error("Merkle log '{}' is not available: {}", settings.name(), e.getMessage());
            return;
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(MerkleLog.NAME, settings.name());
        props.put(ALGORITHM, alg);
        props.put(Constants.SERVICE_DESCRIPTION, "Merkle log " + settings.name());
        if (!writer.isEmpty()) {
            props.put("aethercore.merkle.writer", writer);
        }
        MerkleLog service = writer.isEmpty() ? log : new ReservedLog(log, writer);
        registration = context.registerService(MerkleLog.class, service, props);
        LOG.info("Merkle log '{}' ({}, {}) ready with {} entries", settings.name(), alg,
                settings.directory() == null ? "in memory" : settings.directory(), log.size());
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered by the framework with the stopping bundle
            }
            registration = null;
        }
        if (log != null) {
            try {
                log.close();
            } catch (MerkleLogException e) {
                LOG.error("Closing Merkle log '{}': {}", settings.name(), e.getMessage());
            }
            log = null;
        }
    }
}
