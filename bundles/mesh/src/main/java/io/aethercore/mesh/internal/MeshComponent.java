package io.aethercore.mesh.internal;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.merkle.MerkleVine;
import io.aethercore.api.mesh.Enrollment;
import io.aethercore.api.mesh.FederationAuthority;
import io.aethercore.api.mesh.MeshEvent;
import io.aethercore.api.mesh.MeshEventListener;
import io.aethercore.api.mesh.NodeRegistry;
import io.aethercore.api.mesh.RegistryUpdates;
import io.aethercore.api.mesh.TrustPolicy;
import io.aethercore.support.lifecycle.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh on a node: reads {@code io.aethercore.mesh}, loads the genesis bundle, and runs this node as
 * the Federation Authority or as a member ({@link MeshRuntime}). Registers {@link NodeRegistry} and
 * {@link RegistryUpdates} always, {@link Enrollment} on members and {@link FederationAuthority} on the
 * authority. Work happens on the mesh's own named threads; activation never blocks on the network.
 */
@Component(service = {}, immediate = true, configurationPid = MeshSettings.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class MeshComponent {

    private static final Logger LOG = LoggerFactory.getLogger(MeshComponent.class);

    private final Workers workers = Workers.create("mesh", e -> LOG.warn("mesh task failed", e), Workers.DEFAULT_JOIN);
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final MeshRuntime runtime;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile TrustPolicy trustPolicy;

    /** Whiteboard of {@link MeshEventListener}s (the dashboard). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<MeshEventListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private void publish(MeshEvent event) {
        for (MeshEventListener l : listeners) {
            try {
                l.meshEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("mesh: event listener {} failed on {}: {}", l, event.type(), e.toString());
            }
        }
    }

    @Activate
    public MeshComponent(BundleContext context, Map<String, Object> properties,
            @Reference(target = "(" + SecureChannel.MAIN + "=true)") SecureChannel channel,
            @Reference(target = "(" + SecureChannel.MAIN + "=true)") TrustStore trust,
            @Reference(policyOption = ReferencePolicyOption.GREEDY) Attestation attestation,
            @Reference NodeKey nodeKey,
            @Reference(cardinality = ReferenceCardinality.MULTIPLE, policyOption = ReferencePolicyOption.GREEDY)
                    List<KeyCustody> custodies,
            @Reference(cardinality = ReferenceCardinality.MULTIPLE, policyOption = ReferencePolicyOption.GREEDY)
                    List<SignatureService> signatureServices,
            @Reference MerkleVine vine) {
        MeshSettings settings;
        try {
            settings = MeshSettings.parse(properties);
        } catch (IllegalArgumentException refused) {
            // refused, not ignored: the mesh stays idle and says why (log, aether:enrollment)
            LOG.error("[ERROR] {}", refused.getMessage());
            runtime = null;
            register(context, new FixedEnrollment(Enrollment.State.CONFIGURATION_INVALID,
                    String.valueOf(properties.getOrDefault("node_id", "")), attestation.kind(), refused.getMessage()),
                    Enrollment.class.getName());
            return;
        }
        runtime = new MeshRuntime(settings, channel, trust, attestation, nodeKey, List.copyOf(custodies),
                (key, message, signature) -> verifier(signatureServices, key.algorithm()).verify(key, message, signature),
                () -> trustPolicy, workers, new MeshRuntime.Publisher() {
                    @Override
                    public void registry(Object registry) {
                        register(context, registry, NodeRegistry.class.getName(), RegistryUpdates.class.getName());
                    }

                    @Override
                    public void enrollment(Enrollment enrollment) {
                        register(context, enrollment, Enrollment.class.getName());
                    }

                    @Override
                    public void authority(FederationAuthority authority) {
                        register(context, authority, FederationAuthority.class.getName());
                    }

                    @Override
                    public void node(io.aethercore.mesh.MeshNode node) {
                        register(context, new MeshControl(node), MeshControl.class.getName(),
                                io.aethercore.api.mesh.MeshConfiguration.class.getName(),
                                io.aethercore.api.mesh.MeshHealth.class.getName());
                    }
                }, vine, this::publish);
        workers.thread("start", runtime::start);
    }

    private static SignatureService verifier(List<SignatureService> services, KeyAlgorithm algorithm) {
        for (SignatureService s : services) {
            if (s.algorithms().contains(algorithm)) {
                return s;
            }
        }
        throw new IllegalStateException("no signature provider verifies " + algorithm.id());
    }

    private synchronized void register(BundleContext context, Object service, String... names) {
        registrations.add(context.registerService(names, service, null));
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            for (ServiceRegistration<?> r : registrations) {
                try {
                    r.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the bundle is stopping
                }
            }
            registrations.clear();
        }
        if (runtime != null) {
            runtime.close();
        }
        workers.closeAll();
    }
}
