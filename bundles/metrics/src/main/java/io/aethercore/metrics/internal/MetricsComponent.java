package io.aethercore.metrics.internal;

import io.aethercore.api.metrics.MetricsEndpoint;
import io.aethercore.api.metrics.MetricsSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's metrics endpoint: serves every registered {@link MetricsSource} (whiteboard) and publishes
 * the endpoint's state as {@link MetricsEndpoint}.
 *
 * <p>Configuration: PID {@value #PID}. The same keys are still read from {@code io.aethercore.b4ae}, where
 * docs/configuration.md lists them ({@code monitoring.*}) and where existing nodes set them; Declarative
 * Services merges the two PIDs in the order listed, so a key set in {@value #PID} wins. A change restarts the
 * server only when its address, path or TLS settings changed; an invalid change is refused in the log and the
 * running endpoint stays.
 *
 * <p>{@link MetricsEndpoint} is registered by hand, without properties: as a DS service it would carry the
 * merged configuration, which includes every key of {@code io.aethercore.b4ae} (secrets among them).
 */
@Component(service = {}, immediate = true, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        configurationPid = {MetricsComponent.B4AE_PID, MetricsComponent.PID})
public final class MetricsComponent implements MetricsEndpoint {

    public static final String PID = "io.aethercore.metrics";
    /** Where the keys were read before this bundle existed; still honoured (see the class comment). */
    static final String B4AE_PID = "io.aethercore.b4ae";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsComponent.class);

    /** The metatype of {@value #PID} (not a Designate: bnd allows those only on single-PID components). */
    @ObjectClassDefinition(pid = PID, name = "AetherCore metrics endpoint", description = "The node's Prometheus endpoint."
            + " The same keys in io.aethercore.b4ae are honoured; a key set here wins.")
    public @interface Config {
        @AttributeDefinition(name = "monitoring.metrics_enabled", description = "Serve the metrics.")
        boolean monitoring_metrics__enabled() default true;

        @AttributeDefinition(name = "monitoring.metrics_port", description = "TCP port (0: any free port).")
        int monitoring_metrics__port() default 9090;

        @AttributeDefinition(name = "monitoring.metrics_path", description = "Path of the scrape endpoint.")
        String monitoring_metrics__path() default "/metrics";

        @AttributeDefinition(name = "monitoring.metrics_bind_address", description = "Address to listen on;"
                + " 0.0.0.0 lets a remote Prometheus scrape.")
        String monitoring_metrics__bind__address() default "127.0.0.1";

        @AttributeDefinition(name = "monitoring.tls_enabled", description = "Serve over HTTPS.")
        boolean monitoring_tls__enabled() default false;

        @AttributeDefinition(name = "monitoring.tls_keystore_path", description = "Keystore with the server's key"
                + " and certificate (required with TLS).")
        String monitoring_tls__keystore__path() default "";

        @AttributeDefinition(name = "monitoring.tls_keystore_type", description = "PKCS12 or JKS.")
        String monitoring_tls__keystore__type() default "PKCS12";

        @AttributeDefinition(name = "monitoring.tls_keystore_password_file", description = "File (mode 0600)"
                + " holding the keystore password (required with TLS).")
        String monitoring_tls__keystore__password__file() default "";
    }

    private final List<MetricsSource> sources = new CopyOnWriteArrayList<>();
    private MetricsSettings settings;                  // guarded by this
    private volatile MetricsHttpServer server;
    private volatile String status = "not started";
    private volatile String url;
    private final ServiceRegistration<MetricsEndpoint> registration;

    @Activate
    public MetricsComponent(BundleContext context, Config config) {
        MetricsSettings s = null;
        try {
            s = MetricsSettings.of(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Metrics endpoint not started, configuration refused ({} or {}): {}", PID, B4AE_PID, e.getMessage());
            status = "not serving: configuration refused: " + e.getMessage();
        }
        if (s != null) {
            start(s);
        }
        registration = context.registerService(MetricsEndpoint.class, this, null);
    }

    /** For use without OSGi: serves the given settings; add sources with {@link #addSource}. */
    public MetricsComponent(MetricsSettings settings) {
        start(settings);
        registration = null;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void addSource(MetricsSource source) {
        sources.add(source);
    }

    public void removeSource(MetricsSource source) {
        sources.remove(source);
    }

    @Modified
    void modified(Config config) {
        MetricsSettings next;
        try {
            next = MetricsSettings.of(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Metrics configuration change refused ({} or {}), the running endpoint stays: {}", PID, B4AE_PID,
                    e.getMessage());
            return;
        }
        synchronized (this) {
            if (next.equals(settings)) {
                return;
            }
        }
        stop();
        start(next);
    }

    private synchronized void start(MetricsSettings s) {
        List<String> problems = s.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        settings = s;
        if (!s.enabled()) {
            status = "disabled (monitoring.metrics_enabled = false)";
            return;
        }
        try {
            SSLContext tls = s.tlsEnabled() ? MetricsHttpServer.sslContext(Path.of(s.tlsKeystorePath()),
                    s.tlsKeystoreType(), Path.of(s.tlsKeystorePasswordFile())) : null;
            MetricsHttpServer started = MetricsHttpServer.start(s.bindAddress(), s.port(), s.path(), tls, () -> sources);
            server = started;
            url = started.url(s.bindAddress());
            status = url;
            LOG.info("Metrics served at {}", status);
        } catch (Exception e) {
            status = "not serving: " + e.getMessage();
            LOG.error("Metrics endpoint not started: {}", e.getMessage());
        }
    }

    private synchronized void stop() {
        MetricsHttpServer s = server;
        server = null;
        url = null;
        if (s != null) {
            s.close();
        }
    }

    @Deactivate
    public void close() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
        stop();
    }

    @Override
    public Optional<String> url() {
        return Optional.ofNullable(url);
    }

    @Override
    public String status() {
        return status;
    }
}
