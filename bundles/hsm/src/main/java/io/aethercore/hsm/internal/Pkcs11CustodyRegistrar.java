package io.aethercore.hsm.internal;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyCustodyException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
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
 * One PKCS#11 custody per factory configuration of PID {@value #PID} (one per token). An immediate
 * component that opens the library and token and logs in <em>first</em>, and registers {@link
 * KeyCustody} itself only when that worked, so that no consumer ever binds to a custody that cannot
 * sign. A token that is not there yet is tried again every {@code retry.seconds}; a wrong PIN or a
 * missing library is reported once and not retried until the configuration changes.
 */
@Component(immediate = true, configurationPid = Pkcs11CustodyRegistrar.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = Pkcs11CustodyRegistrar.Config.class, factory = true)
public final class Pkcs11CustodyRegistrar {

    public static final String PID = "io.aethercore.custody.pkcs11";

    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11CustodyRegistrar.class);

    @ObjectClassDefinition(name = "AetherCore PKCS#11 key custody",
            description = "Keys inside one PKCS#11 token (HSM, smart card, SoftHSM2), chosen by token label.")
    public @interface Config {
        @AttributeDefinition(name = "Name", description = "Custody name, unique on the node. Empty: pkcs11:<token label>.")
        String name() default "";

        @AttributeDefinition(name = "PKCS#11 library")
        String library() default "/usr/lib/softhsm/libsofthsm2.so";

        @AttributeDefinition(name = "Token label", description = "The token's label (slot ids change; labels do not).")
        String token_label();

        @AttributeDefinition(name = "PIN file", description = "File holding the user PIN, mode 0600 or 0400; wins over the variable.")
        String pin_file() default "";

        @AttributeDefinition(name = "PIN environment variable", description = "Name of the variable holding the user PIN.")
        String pin_env() default "AETHERCORE_HSM_PIN";

        @AttributeDefinition(name = "Session pool size")
        int session_pool_size() default 4;

        @AttributeDefinition(name = "Retry seconds",
                description = "How often to look again for a token that is not (or no longer) present.")
        int retry_seconds() default 30;

        @AttributeDefinition(name = "Service ranking", description = "Higher wins; the software custody ranks 10.")
        int service_ranking() default 20;
    }

    private final BundleContext context;
    private final Config config;
    private final Workers workers;
    private final ScheduledExecutorService retries;
    private volatile Pkcs11KeyCustody custody;
    private volatile ServiceRegistration<KeyCustody> registration;
    private volatile String lastProblem;
    private volatile boolean active = true;

    @Activate
    public Pkcs11CustodyRegistrar(BundleContext context, Config config) {
        this.context = context;
        this.config = config;
        this.workers = Workers.create("pkcs11-" + config.token_label(),
                e -> LOG.error("PKCS#11 custody for token '{}': {}", config.token_label(), e.toString(), e),
                Workers.DEFAULT_JOIN);
        this.retries = workers.scheduler("retry");
        retries.execute(this::attempt);
    }

    private void attempt() {
        if (!active) {
            return;
        }
        Pkcs11KeyCustody c;
        try {
            char[] pin = PinSource.read(config.pin_file(), config.pin_env(), System.getenv());
            try {
                c = new Pkcs11KeyCustody(config.name(), config.library(), config.token_label(), pin,
                        config.session_pool_size(), Duration.ofSeconds(Math.max(1, config.retry_seconds())));
            } finally {
                Arrays.fill(pin, '\0');
            }
        } catch (KeyCustodyException e) {
            String problem = e.getMessage();
            if (!problem.equals(lastProblem)) { // once per distinct problem, however often we retry
                lastProblem = problem;
                LOG.warn("PKCS#11 custody for token '{}' is not registered: {}{}", config.token_label(), problem,
                        e.isRetryable() ? " (trying again every " + config.retry_seconds() + " s)" : "");
            }
            if (e.isRetryable() && active) {
                retries.schedule(this::attempt, Math.max(1, config.retry_seconds()), TimeUnit.SECONDS);
            }
            return;
        } catch (RuntimeException | LinkageError e) {
            LOG.error("PKCS#11 custody for token '{}' is not registered: {}", config.token_label(), e.toString(), e);
            return;
        }
        synchronized (this) {
            if (!active) {
                c.close();
                return;
            }
            custody = c;
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(Constants.SERVICE_RANKING, config.service_ranking());
            props.put(KeyCustody.NAME, c.name());
            props.put(KeyCustody.KIND, c.kind().id());
            props.put(KeyCustody.ALGORITHMS, c.algorithms().stream().map(KeyAlgorithm::id).toArray(String[]::new));
            props.put("aethercore.custody.pkcs11.token", c.tokenLabel());
            props.put("aethercore.custody.pkcs11.library", c.libraryPath());
            registration = context.registerService(KeyCustody.class, c, props);
        }
        LOG.info("PKCS#11 custody '{}' registered (ranking {})", c.name(), config.service_ranking());
    }

    @Deactivate
    public void deactivate() {
        synchronized (this) {
            active = false;
            if (registration != null) {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the framework unregisters services of a stopping bundle itself
                }
                registration = null;
            }
            if (custody != null) {
                custody.close();
                custody = null;
            }
        }
        workers.close();
    }
}
