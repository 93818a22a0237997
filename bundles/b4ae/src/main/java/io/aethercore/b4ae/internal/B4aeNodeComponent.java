package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.AeadService;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.KdfService;
import io.aethercore.api.crypto.KemService;
import io.aethercore.api.crypto.KeyAgreementService;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.KeyCustody;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * An additional B4AE endpoint per factory configuration ({@code etc/io.aethercore.b4ae.node-<name>.cfg}),
 * with its own UDP socket on {@code listen_address} and its own key labels: a relay, a test peer, or a
 * second identity. Same settings as {@link B4aeComponent}.
 */
@Component(immediate = true, configurationPid = B4aeNodeComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = B4aeComponent.Config.class, factory = true)
public final class B4aeNodeComponent {

    public static final String PID = "io.aethercore.b4ae.node";

    private final ChannelHost host;
    private final NodeWiring wiring = NodeWiring.bundle();
    private final NodeWiring.Listener parts;

    @Activate
    public B4aeNodeComponent(BundleContext context, Map<String, Object> props) {
        this.host = new ChannelHost(context, B4aeComponent.settings(props, true));
        host.activate();
        this.parts = host.partsListener(false);                   // the node's observers, no metadata layer
        wiring.watch(parts);
    }

    @Modified
    void modified(Map<String, Object> props) {
        host.modified(B4aeComponent.settings(props, true));
    }

    @Deactivate
    void deactivate() {
        wiring.unwatch(parts);
        host.deactivate();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindHash(HashService s, Map<String, Object> p) { host.bindHash(s, p); }
    void unbindHash(HashService s) { host.unbindHash(s); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindKdf(KdfService s, Map<String, Object> p) { host.bindKdf(s, p); }
    void unbindKdf(KdfService s) { host.unbindKdf(s); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindAead(AeadService s, Map<String, Object> p) { host.bindAead(s, p); }
    void unbindAead(AeadService s) { host.unbindAead(s); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindDh(KeyAgreementService s, Map<String, Object> p) { host.bindDh(s, p); }
    void unbindDh(KeyAgreementService s) { host.unbindDh(s); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindKem(KemService s, Map<String, Object> p) { host.bindKem(s, p); }
    void unbindKem(KemService s) { host.unbindKem(s); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindSig(SignatureService s, Map<String, Object> p) { host.bindSig(s, p); }
    void unbindSig(SignatureService s) { host.unbindSig(s); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindCustody(KeyCustody c, Map<String, Object> p) { host.bindCustody(c, p); }
    void unbindCustody(KeyCustody c) { host.unbindCustody(c); }
}
