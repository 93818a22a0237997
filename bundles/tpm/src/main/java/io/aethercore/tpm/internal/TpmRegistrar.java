package io.aethercore.tpm.internal;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.AttestationException;
import io.aethercore.api.attestation.TpmInfo;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyCustodyException;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import io.aethercore.support.lifecycle.Workers;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the TPM and publishes it: {@link Attestation} (kind {@code tpm}) and {@link KeyCustody} (kind
 * {@code tpm}) over one {@link TpmSession}. An immediate component that connects <em>first</em> and
 * registers only a TPM that answers (the registrar pattern), so consumers never bind to a TPM that is
 * not there; meanwhile the software attestation (ranked below) serves.
 *
 * <p>Every {@code retry.seconds} it looks again: for a TPM not found yet (a simulator started later),
 * and at a registered TPM, which it unregisters when it stops answering (consumers move to the next
 * provider) and registers again when it is back.
 */
@Component(immediate = true, configurationPid = TpmRegistrar.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = TpmRegistrar.Config.class)
public final class TpmRegistrar {

    public static final String PID = "io.aethercore.tpm";

    private static final Logger LOG = LoggerFactory.getLogger(TpmRegistrar.class);

    @ObjectClassDefinition(name = "AetherCore TPM 2.0",
            description = "Where the TPM is, and how its attestation and key custody are published.")
    public @interface Config {
        @AttributeDefinition(name = "Device", description = "auto (the kernel resource manager /dev/tpmrm0, then the"
                + " simulator below), a device path, a simulator host:port (or swtpm:host=H,port=P), or none.")
        String device() default "auto";

        @AttributeDefinition(name = "Simulator", description = "For auto: a TPM simulator (swtpm) to try after the device, host:port. Empty: none.")
        String simulator() default "";

        @AttributeDefinition(name = "Key directory", description = "Where TPM key files live (no private keys in them). Empty: ${karaf.data}/aethercore/tpm-keys.")
        String keys_dir() default "";

        @AttributeDefinition(name = "Custody name")
        String custody_name() default "tpm";

        @AttributeDefinition(name = "Command timeout (ms)")
        int timeout_ms() default 30000;

        @AttributeDefinition(name = "Loaded custody keys", description = "How many custody keys stay loaded (a TPM without resource manager holds about 3 objects).")
        int key_cache() default 1;

        @AttributeDefinition(name = "Retry seconds", description = "How often to look for a missing TPM and check a present one.")
        int retry_seconds() default 10;

        @AttributeDefinition(name = "Attestation ranking", description = "The software attestation ranks 1.")
        int attestation_ranking() default 100;

        @AttributeDefinition(name = "Custody ranking", description = "The software custody ranks 10, PKCS#11 20.")
        int custody_ranking() default 30;
    }

    private final BundleContext context;
    private final Config config;
    private final Workers workers;
    private final ScheduledExecutorService timer;
    private final List<TpmEndpoint> endpoints;
    private volatile TpmSession session;
    private ServiceRegistration<Attestation> attestationReg;
    private ServiceRegistration<KeyCustody> custodyReg;
    private volatile String lastProblem;
    private volatile boolean active = true;

    @Activate
    public TpmRegistrar(BundleContext context, Config config) {
        this.context = context;
        this.config = config;
        List<TpmEndpoint> parsed;
        try {
            parsed = TpmEndpoint.parse(config.device(), config.simulator());
        } catch (IllegalArgumentException e) {
            LOG.error("TPM configuration ({}.cfg) is wrong: {}; no TPM services", PID, e.getMessage());
            parsed = List.of();
        }
        this.endpoints = parsed;
        this.workers = Workers.create("tpm", e -> LOG.error("TPM: {}", e.toString(), e), Duration.ofSeconds(5));
        this.timer = workers.scheduler("check");
        if (endpoints.isEmpty()) {
            LOG.info("TPM disabled (device = {}): the software attestation serves", config.device());
            return;
        }
        timer.execute(this::check);
    }

    /** Registers a TPM that answers; unregisters one that stopped answering. Runs on the timer thread. */
    private void check() {
        if (!active) {
            return;
        }
        try {
            TpmSession s = session;
            if (s == null) {
                s = new TpmSession(endpoints, config.timeout_ms(), config.key_cache());
                session = s;
            }
            TpmInfo info;
            try {
                s.transientHandleCount(); // a real command: connects, or reconnects after a loss
                info = s.info();
            } catch (AttestationException e) {
                boolean wasRegistered = unregister();
                String problem = e.getMessage();
                if (wasRegistered) {
                    LOG.warn("TPM at {} stopped answering ({}): its services are withdrawn, the software attestation"
                            + " serves until it is back (looking every {} s)", s.where(), problem, config.retry_seconds());
                } else if (!problem.equals(lastProblem)) {
                    LOG.warn("{} - the software attestation serves (kind software, not hardware). If this node has a TPM:"
                            + " check BIOS settings, enable TPM. Looking again every {} s.", problem, config.retry_seconds());
                }
                lastProblem = problem;
                return;
            }
            lastProblem = null;
            register(s, info);
        } catch (RuntimeException e) {
            LOG.error("TPM check failed: {}", e.toString(), e);
        } finally {
            if (active) {
                timer.schedule(this::check, Math.max(1, config.retry_seconds()), TimeUnit.SECONDS);
            }
        }
    }

    private synchronized void register(TpmSession s, TpmInfo info) {
        if (!active || attestationReg != null) {
            return;
        }
        Hashtable<String, Object> a = new Hashtable<>();
        a.put(Constants.SERVICE_RANKING, config.attestation_ranking());
        a.put(Attestation.KIND, "tpm");
        a.put(Attestation.DEVICE, s.where());
        a.put("aethercore.provider", "tpm");
        attestationReg = context.registerService(Attestation.class, new TpmAttestation(s), a);
        try {
            TpmKeyCustody custody = new TpmKeyCustody(config.custody_name(), s, keysDir());
            Hashtable<String, Object> c = new Hashtable<>();
            c.put(Constants.SERVICE_RANKING, config.custody_ranking());
            c.put(KeyCustody.NAME, custody.name());
            c.put(KeyCustody.KIND, custody.kind().id());
            c.put(KeyCustody.ALGORITHMS, new String[] {KeyAlgorithm.ECDSA_P256.id()});
            c.put(Attestation.DEVICE, s.where());
            custodyReg = context.registerService(KeyCustody.class, custody, c);
        } catch (KeyCustodyException e) {
            LOG.error("TPM key custody not registered: {}", e.getMessage());
        }
        LOG.info("TPM 2.0 registered: {} (manufacturer {}, firmware {}); attestation ranking {}, custody '{}' ranking {}",
                s.where(), info.manufacturerDisplay(), info.firmware(), config.attestation_ranking(), config.custody_name(),
                config.custody_ranking());
    }

    private Path keysDir() {
        if (!config.keys_dir().isBlank()) {
            return Path.of(config.keys_dir());
        }
        String data = context.getProperty("karaf.data");
        return Path.of(data != null ? data : "data", "aethercore", "tpm-keys");
    }

    /** Returns whether something was registered. */
    private synchronized boolean unregister() {
        boolean was = attestationReg != null;
        for (ServiceRegistration<?> r : new ServiceRegistration<?>[] {attestationReg, custodyReg}) {
            if (r != null) {
                try {
                    r.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the framework unregisters the services of a stopping bundle itself
                }
            }
        }
        attestationReg = null;
        custodyReg = null;
        return was;
    }

    @Deactivate
    public void deactivate() {
        active = false;
        workers.close(); // the check task interrupted and waited for (up to 5 s)
        unregister();
        TpmSession s = session;
        session = null;
        if (s != null) {
            s.close();
        }
    }
}
