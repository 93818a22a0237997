package io.aethercore.shell.internal;

import io.aethercore.support.service.ComponentDiagnosis;
import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.audit.AuditReceipt;
import java.util.Dictionary;
import java.util.Hashtable;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import io.aethercore.support.console.ConsoleOperator;
import io.aethercore.support.console.SecretNames;
import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * {@code aether:config-update --key K --value V} (docs/operations.md, "Audit log"): changes one configuration
 * property through ConfigAdmin, recorded in the audit log first (no record, no change).
 *
 * <p>Keys: {@code <pid>:<property>} names the PID exactly ({@code io.aethercore.audit:retention.days});
 * a plain dotted key's first part is the capability, {@code mesh.quorum_size} is property {@code
 * quorum_size} of PID {@code io.aethercore.mesh}. The value keeps the type the property has (Integer,
 * Long, Boolean, Double), or {@code --type} sets it; new properties are Strings.
 *
 * <p>The operator is the authenticated JAAS subject ({@link ConsoleOperator}), never the {@code USER} variable.
 * Values of secret-like properties ({@link SecretNames}) and of metatype password attributes are recorded (and
 * printed) as {@value SecretNames#MASK}, with {@code value_changed} saying whether the value changed.
 */
@Service
@Command(scope = "aether", name = "config-update",
        description = "Changes a configuration property through ConfigAdmin; the change is signed into the audit log.")
public class ConfigUpdateCommand implements Action {

    @Option(name = "-k", aliases = "--key", required = true, description = "pid:property, or capability.property (mesh.quorum_size)")
    String key;

    @Option(name = "-v", aliases = "--value", required = true, description = "new value")
    String value;

    @Option(name = "-t", aliases = "--type", description = "string, int, long, boolean or double (default: keep the current type)")
    String type;

    @Reference(optional = true)
    AuditLog audit;

    @Reference
    ConfigurationAdmin configAdmin;

    @Reference(optional = true)
    MetaTypeService metaType;

    /** The running mesh: mesh-wide keys go into the Gospel instead of this node's configuration. */
    @Reference(optional = true)
    io.aethercore.api.mesh.MeshConfiguration mesh;

    @Reference(optional = true)
    BundleContext bundleContext;

    private final SecretProperties secrets = new SecretProperties(() -> metaType, () -> bundleContext);

    /** PID and property of a key. */
    static String[] resolve(String key) {
        String k = key.trim();
        int colon = k.indexOf(':');
        if (colon > 0 && colon < k.length() - 1) {
            return new String[] {k.substring(0, colon), k.substring(colon + 1)};
        }
        int dot = k.indexOf('.');
        if (dot <= 0 || dot == k.length() - 1) {
            throw new IllegalArgumentException("key '" + key + "' must be <pid>:<property> or <capability>.<property>"
                    + " (e.g. mesh.quorum_size)");
        }
        return new String[] {"io.aethercore." + k.substring(0, dot), k.substring(dot + 1)};
    }

    static Object typed(String value, Object current, String type) {
        String t = type != null ? type.trim().toLowerCase(java.util.Locale.ROOT)
                : current instanceof Integer ? "int" : current instanceof Long ? "long"
                : current instanceof Boolean ? "boolean" : current instanceof Double ? "double" : "string";
        return switch (t) {
            case "int", "integer" -> Integer.valueOf(value.trim());
            case "long" -> Long.valueOf(value.trim());
            case "boolean", "bool" -> {
                if (!value.trim().equalsIgnoreCase("true") && !value.trim().equalsIgnoreCase("false")) {
                    throw new IllegalArgumentException("'" + value + "' is not true or false");
                }
                yield Boolean.valueOf(value.trim());
            }
            case "double" -> Double.valueOf(value.trim());
            case "string" -> value;
            default -> throw new IllegalArgumentException("--type must be string, int, long, boolean or double");
        };
    }

    /** A mesh-wide key: audited here, then a Gospel entry that every node applies (docs/gospel.md). */
    private Object gospel(AuditLog a, io.aethercore.api.mesh.MeshConfiguration m, String[] pk) throws Exception {
        ConsoleOperator operator = ConsoleOperator.current();
        AuditEvent event = AuditEvent.of(operator.id(), "ConfigUpdate", key.trim() + "=" + value)
                .withDetail("pid", pk[0]).withDetail("property", pk[1]).withDetail("new_value", value)
                .withDetail("scope", "mesh-wide (Gospel)").withDetail("channel", operator.channel());
        AuditReceipt r = a.record(event);
        String outcome = m.propose(pk[1], value);
        System.out.println("mesh-wide " + pk[1] + " = " + value + ": " + outcome + "; audit record " + r.eventId()
                + " at index " + r.leafIndex());
        return null;
    }

    @Override
    public Object execute() throws Exception {
        AuditLog a = audit;
        if (a == null) {
            // every configuration change is recorded, so none is made while the audit log cannot record it
            throw new IllegalStateException("No audit log is running: "
                    + ComponentDiagnosis.explain(ConfigUpdateCommand.class, "io.aethercore.audit.internal.AuditLogComponent")
                    + " (etc/io.aethercore.audit.cfg: enabled = true; feature:install aethercore-audit)");
        }
        String[] pk = resolve(key);
        io.aethercore.api.mesh.MeshConfiguration m = mesh;
        if (m != null && pk[0].equals("io.aethercore.mesh") && m.meshWideKeys().contains(pk[1])) {
            return gospel(a, m, pk);
        }
        Configuration c = configAdmin.getConfiguration(pk[0], "?");
        Dictionary<String, Object> props = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        Object old = props.get(pk[1]);
        Object typed = typed(value, old, type);
        ConsoleOperator operator = ConsoleOperator.current();
        boolean secret = secrets.isSecret(pk[0], pk[1]);
        String shownOld = old == null ? "(unset)" : secret ? SecretNames.MASK : String.valueOf(old);
        String shownNew = secret ? SecretNames.MASK : String.valueOf(typed);
        AuditEvent event = AuditEvent.of(operator.id(), "ConfigUpdate", key.trim() + "=" + (secret ? SecretNames.MASK : value))
                .withDetail("pid", pk[0]).withDetail("property", pk[1])
                .withDetail("old_value", shownOld)
                .withDetail("new_value", shownNew)
                .withDetail("channel", operator.channel());
        if (!operator.remoteAddress().isEmpty()) {
            event = event.withDetail("remote_address", operator.remoteAddress());
        }
        if (secret) {
            event = event.withDetail("value_masked", "true")
                    .withDetail("value_changed", String.valueOf(!String.valueOf(typed).equals(String.valueOf(old))));
        }
        AuditReceipt r = a.record(event);
        props.put(pk[1], typed);
        c.update(props);
        System.out.println(pk[0] + " " + pk[1] + " = " + shownNew + " (was " + (old == null ? "unset" : shownOld)
                + "); audit record " + r.eventId() + " at index " + r.leafIndex());
        return null;
    }
}
