package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.DatagramTransport;
import io.aethercore.api.crypto.AeadService;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.KdfService;
import io.aethercore.api.crypto.KemService;
import io.aethercore.api.crypto.KeyAgreementService;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.b4ae.internal.config.B4aeConfigException;
import io.aethercore.b4ae.internal.config.B4aeSettings;
import io.aethercore.b4ae.internal.config.B4aeSettingsParser;
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
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The node's B4AE v2 endpoint ({@code etc/io.aethercore.b4ae.cfg}): publishes {@code SecureChannel} and
 * {@code TrustStore}, and takes the node's observers and metadata layer from {@link NodeWiring}. Uses the highest-ranked {@link DatagramTransport} (the UDP transport on
 * {@code listen_address} by default) and the platform's crypto services and key custodies.
 */
@Component(immediate = true, configurationPid = B4aeComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = B4aeComponent.Config.class)
public final class B4aeComponent {

    public static final String PID = "io.aethercore.b4ae";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(B4aeComponent.class);

    @ObjectClassDefinition(name = "AetherCore B4AE v2",
            description = "B4AE v2 secure channel: modes, peers, cookie challenge, rekeying, key rotation."
                    + " Names follow the B4AE deployment document's config.toml.")
    /** Method names use a double underscore so that the property names keep the single ones of docs/configuration.md
     * ({@code listen__address()} is the property {@code listen_address}). The properties are read by
     * {@link B4aeSettingsParser}, which also maps the document's {@code section.key} names and the
     * {@code B4AE_*} variables; its defaults are these. */
    public @interface Config {
        @AttributeDefinition(name = "Node name", description = "This endpoint's name in logs and peers entries.")
        String name() default "default";

        @AttributeDefinition(name = "Listen address", description = "UDP host:port (network.listen_address).")
        String listen__address() default "0.0.0.0:4000";

        @AttributeDefinition(name = "Supported modes", description = "mode_a, mode_b, or both. B4AE_AUTH_MODE overrides.")
        String[] supported__modes() default {"mode_a", "mode_b"};

        @AttributeDefinition(name = "Preferred mode")
        String preferred__mode() default "mode_b";

        @AttributeDefinition(name = "Peers", description = "name=..;address=host:port;x25519=<base64|@pem>;"
                + "mldsa87=<base64|@pem>;modes=mode_a,mode_b;valid_from=<ISO instant>")
        String[] peers() default {};

        @AttributeDefinition(name = "Bloom filter size", description = "Entries per replay filter (cookie_challenge.bloom_filter_size).")
        int bloom__filter__size() default 1_000_000;

        @AttributeDefinition(name = "Cookie expiry (s)", description = "Cookie epoch and replay window (cookie_challenge.expiry_seconds).")
        int expiry__seconds() default 30;

        @AttributeDefinition(name = "Cookie secret", description = "64 hex digits. Prefer cookie_secret_file or the"
                + " B4AE_COOKIE_SECRET variable; empty everywhere: generated at start.")
        String cookie__secret() default "";

        @AttributeDefinition(name = "Cookie secret file", description = "File (mode 0600) holding the 64 hex digits.")
        String cookie__secret__file() default "";

        @AttributeDefinition(name = "Always require a cookie", description = "Otherwise only under load.")
        boolean cookie__always() default false;

        @AttributeDefinition(name = "Under-load threshold", description = "INIT datagrams per second before cookies are required.")
        int under__load__inits__per__second() default 50;

        @AttributeDefinition(name = "Rekey after messages")
        long rekey__after__messages() default 1L << 32;

        @AttributeDefinition(name = "Rekey after seconds")
        int rekey__after__seconds() default 120;

        @AttributeDefinition(name = "Reject keys after seconds")
        int reject__after__seconds() default 180;

        @AttributeDefinition(name = "Key rotation (days)", description = "Long-term key lifetime before rotation.")
        int key__rotation__days() default 90;

        @AttributeDefinition(name = "Key overlap (days)", description = "How long a rotated-out key stays accepted;"
                + " must be less than key_rotation_days.")
        int key__overlap__days() default 7;

        @AttributeDefinition(name = "Rotate identity keys automatically", description = "Rotate this node's own"
                + " identity keys when the current generation is older than key_rotation_days (keys.auto_rotate).")
        boolean auto__rotate() default false;

        @AttributeDefinition(name = "Max handshake datagram (bytes)")
        int max__datagram__size() default 1200;

        @AttributeDefinition(name = "Reassembly memory limit (bytes)")
        int max__reassembly__bytes() default 4 << 20;

        @AttributeDefinition(name = "Handshake retry (ms)")
        int handshake__retry__ms() default 1000;

        @AttributeDefinition(name = "Handshake attempts")
        int handshake__attempts() default 5;

        @AttributeDefinition(name = "X25519 key label")
        String identity__x25519__label() default "b4ae-x25519";

        @AttributeDefinition(name = "ML-DSA-87 key label")
        String identity__mldsa87__label() default "b4ae-mldsa87";

        @AttributeDefinition(name = "X25519 custody", description = "Custody name; empty: the best one doing X25519.")
        String x25519__custody() default "";

        @AttributeDefinition(name = "ML-DSA-87 custody", description = "Custody name; empty: the best one doing ML-DSA-87"
                + " (an HSM when its token supports ML-DSA, else software).")
        String mldsa87__custody() default "";

        @AttributeDefinition(name = "Transport", description = "Transport name (udp, ...); empty: the highest-ranked.")
        String transport() default "";

        @AttributeDefinition(name = "Trust on first use", description = "Pin unknown Mode A initiators on first contact."
                + " Off by default: unknown keys are refused.")
        boolean trust__on__first__use() default false;

        @AttributeDefinition(name = "Accept unpinned initiators (enrollment)", description = "Mode B initiators whose"
                + " ML-DSA-87 key is not pinned but included in FINISH get a session flagged unpinned"
                + " (enrollment.accept_unpinned). For a Federation Authority; off by default.")
        boolean enrollment_accept__unpinned() default false;

        @AttributeDefinition(name = "Unpinned sessions at once", description = "1 to 1024 (enrollment.max_sessions).")
        int enrollment_max__sessions() default 32;

        @AttributeDefinition(name = "Unpinned session lifetime (s)", description = "5 to 3600; closed then, never"
                + " rekeyed beyond it (enrollment.session_seconds).")
        int enrollment_session__seconds() default 120;
    }

    private final ChannelHost host;
    private final NodeWiring wiring = NodeWiring.bundle();
    private final NodeWiring.Listener parts;

    @Activate
    public B4aeComponent(BundleContext context, Map<String, Object> props) {
        this.host = new ChannelHost(context, mainSettings(props));
        host.activate();
        // the node's observers (metrics, audit) and its metadata layer come from this bundle's other
        // components through NodeWiring, not as OSGi services (they are internal types)
        this.parts = host.partsListener(true);
        wiring.watch(parts);
    }

    /** The endpoint's settings from this PID's (or a node factory PID's) properties, by the one parser. */
    static B4aeSettings settings(Map<String, Object> props, boolean ownTransport) {
        return B4aeSettingsParser.parse(props, System.getenv(), ownTransport).endpointOrThrow();
    }

    /**
     * The main endpoint's settings; refuses to run the channel when a metadata setting (padding, scheduler, the
     * document's keys) is rejected, rather than running without padding and scheduler (issue 17 item 7).
     */
    static B4aeSettings mainSettings(Map<String, Object> props) {
        B4aeSettings s = settings(props, false);
        if (!s.documentProblems().isEmpty()) {
            throw new B4aeConfigException(java.util.List.of("the B4AE channel does not start without its metadata"
                    + " protection; fix " + String.join("; ", s.documentProblems())));
        }
        return s;
    }

    @Modified
    void modified(Map<String, Object> props) {
        B4aeSettings next;
        try {
            next = mainSettings(props);
        } catch (B4aeConfigException e) {
            // the metadata layer keeps its running configuration too (B4aeOpsComponent refuses the same change)
            LOG.error("B4AE configuration change refused, the running configuration stays: {}", e.getMessage());
            return;
        }
        host.modified(next);
    }

    @Deactivate
    void deactivate() {
        wiring.unwatch(parts);
        host.deactivate();
    }

    B4aeEngine engine() {
        return host.engine();
    }

    // ---- references: all DYNAMIC + GREEDY + OPTIONAL/MULTIPLE (docs/platform.md)

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

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindTransport(DatagramTransport t, Map<String, Object> p) { host.bindTransport(t, p); }
    void unbindTransport(DatagramTransport t) { host.unbindTransport(t); }
}
