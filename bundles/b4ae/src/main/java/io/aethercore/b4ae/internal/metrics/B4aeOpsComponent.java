package io.aethercore.b4ae.internal.metrics;

import io.aethercore.support.service.ComponentDiagnosis;
import io.aethercore.api.metrics.MetricsEndpoint;
import io.aethercore.api.metrics.MetricsSource;
import io.aethercore.b4ae.internal.MetadataHooks;
import io.aethercore.b4ae.internal.NodeWiring;
import io.aethercore.b4ae.internal.ProtocolObserver;
import io.aethercore.b4ae.internal.config.B4aeConfig;
import io.aethercore.b4ae.internal.config.B4aeConfigException;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import io.aethercore.b4ae.internal.config.B4aeSettingsParser;
import io.aethercore.b4ae.internal.padding.Padme;
import io.aethercore.b4ae.internal.scheduler.GlobalScheduler;
import io.aethercore.b4ae.internal.scheduler.OutboundMessage;
import io.aethercore.b4ae.internal.scheduler.Profile;
import io.aethercore.b4ae.internal.scheduler.SchedulerSettings;
import io.aethercore.b4ae.internal.scheduler.SchedulerStats;
import io.aethercore.b4ae.internal.scheduler.SlotSink;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata-protection and operations side of B4AE in a running node: takes the {@code io.aethercore.b4ae}
 * configuration (shared with the core; our keys are listed in {@code docs/configuration.md}) and the
 * {@code B4AE_*} environment as {@link B4aeSettings} from {@link B4aeSettingsParser}, owns the node's
 * {@link GlobalScheduler} and the {@link B4aeMetrics}, and publishes:
 *
 * <ul>
 *   <li>{@link B4aeMetrics} as a {@link MetricsSource} OSGi service (the platform metrics bundle serves it),</li>
 * </ul>
 *
 * and, inside the bundle only, through {@link NodeWiring} (internal types are not OSGi services):
 *
 * <ul>
 *   <li>{@link B4aeMetrics} as a {@link ProtocolObserver} (every endpoint's engine reports to it),</li>
 *   <li>the {@link MetadataHooks}: {@link Padme} for the configured buckets as the main endpoint's record
 *       padding, and the {@link GlobalScheduler} as where its sessions submit {@link OutboundMessage}s;</li>
 *   <li>itself as {@link B4aeOps} for the console commands.</li>
 * </ul>
 *
 * The endpoint hands its {@link SlotSink} over when it attaches to the hooks (until then slots send nothing
 * and messages wait). A configuration change reconfigures the scheduler in place (no
 * session or queued message is dropped); an invalid change is refused with the reasons in the log and the
 * running configuration stays. The Prometheus endpoint is the platform metrics bundle's ({@link MetricsEndpoint},
 * bound here for the console).
 */
@Component(service = {}, configurationPid = "io.aethercore.b4ae",
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
public final class B4aeOpsComponent implements B4aeOps {

    private static final Logger LOG = LoggerFactory.getLogger(B4aeOpsComponent.class);

    /**
     * Bytes the core's record adds inside the encryption before padding (inner type + length), so that the
     * scheduler computes a real message's padded size as the core does and draws dummy sizes from the same
     * distribution. Must equal the core's record layout (integration: take it from the core's record class).
     */
    public static final int RECORD_INNER_HEADER = 3;

    private final B4aeMetrics metrics = new B4aeMetrics();
    private final GlobalScheduler scheduler;
    private final ServiceRegistration<?> metricsReg;
    private final NodeWiring wiring;                              // null without OSGi
    private final SchedulerHooks hooks;
    private final Map<String, String> env;
    private volatile B4aeSettings settings;
    private volatile B4aeConfig config;
    private volatile Padme currentPadme;
    private volatile MetricsEndpoint metricsEndpoint;

    @Activate
    public B4aeOpsComponent(BundleContext context, Map<String, Object> properties) {
        this(context, properties, System.getenv());
    }

    /** For tests: an explicit environment; {@code context} may be null (nothing is registered or wired). */
    public B4aeOpsComponent(BundleContext context, Map<String, Object> properties, Map<String, String> env) {
        this.env = env;
        this.settings = B4aeSettingsParser.parse(properties, env, false);
        this.config = settings.documentOrThrow();                 // refuses invalid values with their keys
        config.warnings().forEach(w -> LOG.warn("B4AE configuration: {}", w));
        if (config.cookieSecretGenerated()) {
            LOG.info("B4AE: no cookie_challenge.secret / B4AE_COOKIE_SECRET given, a random one is used");
        }
        Padme padme = config.padme();
        currentPadme = padme;
        scheduler = new GlobalScheduler(config.scheduler(), null, metrics,
                len -> padme.applyAsInt(Math.min(padme.maxBucket(), len + RECORD_INNER_HEADER)));
        metrics.attachScheduler(scheduler::stats);
        scheduler.start();
        hooks = new SchedulerHooks(scheduler, () -> currentPadme);
        if (context != null) {
            metricsReg = context.registerService(MetricsSource.class, metrics, props("b4ae-metrics"));
            wiring = NodeWiring.bundle();
            wiring.addObserver(metrics);
            // the main endpoint takes these and attaches its engine: padding + constant-rate sending
            wiring.bindHooks(hooks);
            wiring.publishOps(this);
        } else {
            metricsReg = null;
            wiring = null;
        }
        LOG.info("B4AE metadata protection started: {}", config);
    }

    private static Dictionary<String, Object> props(String name) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("aethercore.provider", name);
        return p;
    }

    /**
     * Lets code without an endpoint attached through the hooks (tests, an embedding application) hand the
     * core's sink over. In a node the main endpoint does it when it attaches ({@link SchedulerHooks#attach}).
     */
    public void setSlotSink(SlotSink sink) {
        scheduler.setSink(sink);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        B4aeSettings nextSettings = B4aeSettingsParser.parse(properties, env, false);
        B4aeConfig next;
        try {
            next = nextSettings.documentOrThrow();
        } catch (B4aeConfigException e) {
            LOG.error("B4AE configuration change refused, the running configuration stays: {}", e.getMessage());
            return;
        }
        next.warnings().forEach(w -> LOG.warn("B4AE configuration: {}", w));
        B4aeConfig previous = config;
        settings = nextSettings;
        config = next;
        scheduler.reconfigure(next.scheduler());
        currentPadme = next.padme();
        if (previous.minBucketSize() != next.minBucketSize() || previous.maxBucketSize() != next.maxBucketSize()) {
            LOG.info("B4AE padding buckets changed to {}..{}: records sealed from now on use them", next.minBucketSize(), next.maxBucketSize());
        }
        LOG.info("B4AE metadata protection reconfigured: {}", next);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindMetricsEndpoint(MetricsEndpoint endpoint) {
        metricsEndpoint = endpoint;
    }

    void unbindMetricsEndpoint(MetricsEndpoint endpoint) {
        if (metricsEndpoint == endpoint) {
            metricsEndpoint = null;
        }
    }

    /** Lets code without OSGi (tests, an embedding application) hand the metrics endpoint over. */
    public void setMetricsEndpoint(MetricsEndpoint endpoint) {
        bindMetricsEndpoint(endpoint);
    }

    @Deactivate
    void deactivate() {
        if (wiring != null) {
            wiring.withdrawOps(this);
            wiring.unbindHooks(hooks);                          // the endpoint detaches: records go out directly
            wiring.removeObserver(metrics);
        }
        if (metricsReg != null) {
            try {
                metricsReg.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
        List<OutboundMessage> unsent = scheduler.stop();
        if (!unsent.isEmpty()) {
            LOG.warn("B4AE scheduler stopped with {} messages not sent", unsent.size());
        }
    }

    /** Same as deactivation, for use without OSGi. */
    public void close() {
        deactivate();
    }

    public B4aeMetrics metrics() {
        return metrics;
    }

    /** What the main endpoint takes through {@link NodeWiring}: for use without OSGi. */
    public MetadataHooks hooks() {
        return hooks;
    }

    public GlobalScheduler scheduler() {
        return scheduler;
    }

    /** The settings of the running configuration (the last one accepted). */
    public B4aeSettings settings() {
        return settings;
    }

    @Override
    public B4aeConfig config() {
        return config;
    }

    @Override
    public SchedulerSettings schedulerSettings() {
        return scheduler.settings();
    }

    @Override
    public SchedulerStats schedulerStats() {
        return scheduler.stats();
    }

    @Override
    public List<String[]> metricSamples() {
        return metrics.samples();
    }

    @Override
    public String metricsEndpoint() {
        MetricsEndpoint e = metricsEndpoint;
        return e == null ? "not served: the platform metrics endpoint is not running: "
                + ComponentDiagnosis.explain(B4aeOpsComponent.class, "io.aethercore.metrics.internal.MetricsComponent")
                + " (feature:install aethercore-metrics)" : e.status();
    }

    @Override
    public SchedulerSettings switchProfile(Profile profile) {
        SchedulerSettings next = scheduler.settings().withProfile(profile);
        scheduler.reconfigure(next);
        LOG.info("B4AE scheduler profile switched to {} ({} slots/s, dummy rate {}, bound {} ms)", profile.id(),
                next.slotRate(), next.dummyRate(), next.maxQueueLatencyMs());
        return next;
    }
}
