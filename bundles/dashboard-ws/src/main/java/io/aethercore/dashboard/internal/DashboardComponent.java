package io.aethercore.dashboard.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.mesh.Enrollment;
import io.aethercore.api.mesh.FederationAuthority;
import io.aethercore.api.mesh.MeshEvent;
import io.aethercore.api.mesh.MeshEventListener;
import io.aethercore.api.mesh.MeshHealth;
import io.aethercore.api.mesh.NodeRegistry;
import io.aethercore.dashboard.Dashboard;
import io.aethercore.dashboard.DashboardServer;
import io.aethercore.dashboard.DashboardSettings;
import io.aethercore.dashboard.HealthModel;
import io.aethercore.dashboard.TelemetryPipeline;
import io.aethercore.dashboard.auth.AuthAudit;
import io.aethercore.dashboard.auth.AuthHandler;
import io.aethercore.dashboard.auth.OperatorAuth;

/**
 * The DS shell of the dashboard (PID {@value DashboardSettings#PID}): validates the configuration, builds the
 * {@link Dashboard} engine from the node's services (registry, mesh state, the authority's root and genesis
 * bundle, the audit log), feeds mesh events and telemetry into it, and registers the console's
 * {@link DashboardControl}. Updating this bundle closes every connection with 1001 (going away); the pages
 * reconnect to the new one and get a fresh snapshot.
 */
@Component(configurationPid = DashboardSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        service = MeshEventListener.class)
public final class DashboardComponent implements MeshEventListener {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardComponent.class);

    private final MeshSource source = new MeshSource();
    private final InternalSessions internal = new InternalSessions();
    private final DashboardControl control;
    private final ServiceRegistration<DashboardControl> registration;
    private volatile Dashboard dashboard;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FederationAuthority authority;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Enrollment enrollment;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AuditLog audit;

    @Activate
    public DashboardComponent(BundleContext context, Map<String, Object> properties) {
        DashboardControl.Running r = build(properties);
        this.dashboard = r.dashboard();
        this.control = new DashboardControl(r, internal);
        this.registration = context.registerService(DashboardControl.class, control, null);
    }

    /**
     * A changed configuration: the running dashboard closes (its clients get 1001 and reconnect) and a new one
     * starts from the new settings; the console's {@link DashboardControl} stays the same service.
     */
    @Modified
    void modified(Map<String, Object> properties) {
        Dashboard old = dashboard;
        if (old != null) {
            old.close();
        }
        DashboardControl.Running r = build(properties);
        dashboard = r.dashboard();
        control.replace(r);
    }

    private DashboardControl.Running build(Map<String, Object> properties) {
        DashboardSettings settings;
        try {
            settings = DashboardSettings.parse(properties);
        } catch (IllegalArgumentException e) {
            LOG.error("Dashboard not started: {}", e.getMessage());
            return new DashboardControl.Running(null, null, e.getMessage());
        }
        OperatorAuth operators;
        try {
            Path store = Path.of(System.getProperty("karaf.data", "data"), "aethercore", "dashboard", "operators");
            operators = new OperatorAuth(store, settings.rpId(), "AetherCore", settings.origins(), Clock.systemUTC(),
                    new SecureRandom(), this::audit, settings.sessionTtl(), OperatorAuth.DEFAULT_ENROLMENT_TTL);
        } catch (IOException e) {
            String refusal = "the operator directory cannot be opened: " + e.getMessage();
            LOG.error("Dashboard not started: {}", refusal);
            return new DashboardControl.Running(null, null, refusal);
        }
        AuthHandler handler = new AuthHandler(operators);
        Dashboard d = new Dashboard(settings, new Dashboard.Parts(source, () -> roots(settings), this::genesis,
                this::genesisFetched, handler, request -> {
                    Optional<String> token = AuthHandler.sessionCookie(request);
                    if (token.isEmpty()) {
                        return Optional.empty();
                    }
                    Optional<DashboardServer.Login> internalLogin = internal.login(token.get());
                    if (internalLogin.isPresent()) {
                        return internalLogin;
                    }
                    return operators.session(token.get()).map(x -> new DashboardServer.Login(x.operator(), x.expires()));
                }, DashboardComponent.class.getClassLoader()));
        source.telemetry = d.telemetry();
        return new DashboardControl.Running(d, operators, null);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindRegistry")
    void bindRegistry(NodeRegistry r) {
        source.registry = r;
    }

    void unbindRegistry(NodeRegistry r) {
        if (source.registry == r) {
            source.registry = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindHealth")
    void bindHealth(MeshHealth h) {
        source.health = h;
    }

    void unbindHealth(MeshHealth h) {
        if (source.health == h) {
            source.health = null;
        }
    }

    @Override
    public void meshEvent(MeshEvent e) {
        Dashboard d = dashboard;
        if (d == null) {
            return;
        }
        d.hub().event(new HealthModel.Event(e.type().name(), e.nodeId(), e.detail(), e.at().toEpochMilli()));
        TelemetryPipeline t = d.telemetry();
        t.emit(e.nodeId(), "event." + e.type().name().toLowerCase(java.util.Locale.ROOT), 1);
    }

    /** The federation roots to pin: tls.pinned_cert if set, else the root this node knows. */
    private List<X509Certificate> roots(DashboardSettings s) {
        List<X509Certificate> roots = new ArrayList<>();
        if (s.pinnedRoot() != null) {
            try (InputStream in = Files.newInputStream(s.pinnedRoot())) {
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    roots.add((X509Certificate) c);
                }
            } catch (IOException | CertificateException e) {
                LOG.warn("Dashboard: cannot read tls.pinned_cert {}: {}", s.pinnedRoot(), e.getMessage());
            }
            return roots;
        }
        FederationAuthority fa = authority;
        if (fa != null) {
            roots.add(fa.root());
            return roots;
        }
        Enrollment en = enrollment;
        if (en != null && en.status().federationRoot() != null) {
            roots.add(en.status().federationRoot());
        }
        return roots;
    }

    private Optional<byte[]> genesis() {
        FederationAuthority fa = authority;
        return fa == null ? Optional.empty() : fa.genesisBundle();
    }

    private void genesisFetched(String subject, String remote, boolean served) {
        record("genesis:" + subject, "dashboard.genesis.fetch", "/genesis-bundle.bin", served,
                (served ? "served to " : "refused to ") + remote);
    }

    private void audit(String action, String operator, boolean success, String detail) {
        record(operator == null ? "dashboard:anonymous" : "dashboard:" + operator, action, operator == null ? "" : operator,
                success, detail);
    }

    private void record(String operatorId, String action, String target, boolean success, String detail) {
        AuditLog log = audit;
        if (log == null) {
            LOG.info("Dashboard audit (no audit log running): {} {} {} {}", operatorId, action,
                    success ? "success" : "failure", detail);
            return;
        }
        try {
            log.recordAsync(AuditEvent.of(operatorId, action, target).withDetail("outcome", success ? "success" : "failure")
                    .withDetail("detail", detail == null ? "" : detail)).exceptionally(x -> {
                        LOG.warn("Dashboard: the audit log did not record {} {}: {}", action, operatorId, x.toString());
                        return null;
                    });
        } catch (RuntimeException e) {
            LOG.warn("Dashboard: the audit log did not record {} {}: {}", action, operatorId, e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        Dashboard d = dashboard;
        if (d != null) {
            d.close();
        }
    }
}
