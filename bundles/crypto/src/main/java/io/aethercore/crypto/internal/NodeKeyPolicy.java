package io.aethercore.crypto.internal;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.CustodyUnavailableException;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.support.service.RankedServices;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
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
 * The node signing-key policy: which custody holds the node's key. By default the best-ranked
 * custody that can hold the configured algorithm (an HSM, ranked 20, wins over software, ranked 10);
 * or the custody named in the configuration. When the choice changes (a token is configured, the
 * operator edits the policy, a custody goes away) the key moves: the target custody's key with the
 * configured label is used, or generated there. Private keys never move between custodies, a new
 * key is made. Every change is logged and recorded as an entry of the configured Merkle log, so the
 * history of the node's keys is itself tamper-evident.
 */
@Component(service = NodeKey.class, immediate = true, configurationPid = NodeKeyPolicy.PID)
@Designate(ocd = NodeKeyPolicy.Config.class)
public final class NodeKeyPolicy implements NodeKey {

    public static final String PID = "io.aethercore.node.key";
    private static final Logger LOG = LoggerFactory.getLogger(NodeKeyPolicy.class);

    @ObjectClassDefinition(name = "AetherCore node signing-key policy")
    public @interface Config {
        @AttributeDefinition(name = "Custody", description = "Custody name (software, pkcs11:<label>, ...);"
                + " empty: the best-ranked custody that holds the algorithm.")
        String custody() default "";

        @AttributeDefinition(name = "Key label")
        String label() default "node-signing";

        @AttributeDefinition(name = "Algorithm", description = "Ed25519, ECDSA-P256-SHA256 or ML-DSA-87")
        String algorithm() default "Ed25519";

        @AttributeDefinition(name = "Record log", description = "Merkle log that records key changes; empty: none.")
        String record_log() default "default";
    }

    /** The bound custodies, best ranked first: the same rule as every other ranked consumer. */
    private final RankedServices<KeyCustody> custodies = new RankedServices<>("key custody");
    private final List<MerkleLog> logs = new ArrayList<>();    // guarded by this
    /** Changes made before their Merkle log was there; appended when it arrives. */
    private final List<String> unrecorded = new ArrayList<>(); // guarded by this
    private volatile Config config;
    /** The key in use and its custody, read together. */
    private record Current(KeyCustody custody, KeyHandle key) {}

    private volatile Current current;

    @Activate
    public NodeKeyPolicy(Config config) {
        this.config = config;
    }

    @Modified
    void modified(Config config) {
        this.config = config;
        reselect("policy changed");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindCustody(KeyCustody custody, Map<String, Object> props) {
        custodies.bind(custody, props);
        reselect("custody " + custody.name() + " appeared");
    }

    void unbindCustody(KeyCustody custody) {
        custodies.unbind(custody);
        Current c = current;
        if (c != null && c.custody() == custody) {
            reselect("custody " + custody.name() + " went away");
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindLog(MerkleLog log) {
        logs.add(log);
        if (log.name().equals(config.record_log()) && !unrecorded.isEmpty()) {
            List<String> late = new ArrayList<>(unrecorded);
            unrecorded.clear();
            late.forEach(this::recordToLog);
        }
    }

    synchronized void unbindLog(MerkleLog log) {
        logs.remove(log);
    }

    /** The custody the policy picks now, or null. */
    synchronized KeyCustody choose() {
        Config c = config;
        KeyAlgorithm alg = KeyAlgorithm.fromId(c.algorithm());
        return custodies.best(k -> c.custody().isBlank() ? k.algorithms().contains(alg)
                : k.name().equals(c.custody().trim()));
    }

    /** Moves the key if the choice changed. Never throws: a failure is logged and retried on the next event. */
    synchronized void reselect(String why) {
        KeyCustody target = choose();
        Current now = current;
        if (target == null || (now != null && target == now.custody())) {
            if (target == null && now != null) {
                LOG.warn("Node signing key: no custody fits the policy ({}); signing is unavailable", why);
                current = null;
            }
            return;
        }
        Config c = config;
        try {
            KeyHandle key = target.find(c.label()).orElse(null);
            boolean generated = key == null;
            if (generated) {
                key = target.generate(KeyAlgorithm.fromId(c.algorithm()), c.label());
            }
            KeyHandle previous = now == null ? null : now.key();
            current = new Current(target, key);
            String record = "{\"event\":\"node-key-change\",\"time\":\"" + Instant.now() + "\",\"reason\":\""
                    + why.replace("\"", "'") + "\",\"from\":" + (previous == null ? "null" : "\"" + previous.custody()
                    + "/" + previous.label() + " " + previous.publicKey().fingerprint() + "\"") + ",\"to\":\""
                    + key.custody() + "/" + key.label() + " " + key.publicKey().fingerprint() + "\",\"kind\":\""
                    + key.kind().id() + "\",\"generated\":" + generated + "}";
            LOG.info("Node signing key now {} ({}): {}", key, why, record);
            recordToLog(record);
        } catch (KeyCustodyException | RuntimeException e) {
            LOG.error("Node signing key cannot move to custody {} ({}): {}", target.name(), why, e.getMessage());
        }
    }

    private void recordToLog(String record) {
        String name = config.record_log();
        MerkleLog log;
        synchronized (this) {
            log = logs.stream().filter(l -> l.name().equals(name)).findFirst().orElse(null);
        }
        if (log == null) {
            if (!name.isBlank()) {
                synchronized (this) {
                    unrecorded.add(record);
                }
                LOG.info("Node signing key change will be recorded when Merkle log '{}' is available", name);
            }
            return;
        }
        try {
            log.appendAsync(record.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            LOG.warn("Node signing key change not recorded in '{}': {}", name, e.getMessage());
        }
    }

    private Current current() throws CustodyUnavailableException {
        Current c = current;
        if (c == null) {
            throw new CustodyUnavailableException("no key custody fits the node signing-key policy"
                    + " (" + PID + "); install aethercore-crypto or configure a custody", null);
        }
        return c;
    }

    @Override
    public KeyHandle handle() throws KeyCustodyException {
        return current().key();
    }

    @Override
    public byte[] sign(byte[] message) throws KeyCustodyException {
        Current c = current(); // key and custody of the same moment
        return c.custody().sign(c.key(), message);
    }
}
