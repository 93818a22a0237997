package io.aethercore.audit.internal;

import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration of PID {@value AuditLogComponent#PID}, read once into an immutable value.
 *
 * <p>One naming rule: dotted lower-case keys ({@code log.path}, {@code retention.days}), as the metatype
 * of {@link AuditLogComponent.Config} lists them. Three keys of the first releases, named after the
 * source document's {@code audit.conf}, stay accepted with the same effect as documented aliases
 * (docs/audit.md): {@code log_path} for {@code log.path}, {@code merkle_tree_path} for {@code
 * merkle.tree.path}, {@code root_publish_interval_s} for {@code root.publish.interval.s}. When both
 * spellings are set, the dotted one wins.
 *
 * @param logDirectory records, checkpoints and signer keys
 * @param merkleDirectory the audit Merkle log, when it is first created
 */
record AuditConfig(boolean enabled, Path logDirectory, Path merkleDirectory, long publishIntervalSeconds,
        int retentionDays, String merkleLog, String hashAlgorithm, String origin, long segmentBytes,
        Path identityKeyFile) {

    private static final Logger LOG = LoggerFactory.getLogger(AuditConfig.class);

    /** Old key to its dotted name. */
    static final Map<String, String> ALIASES = Map.of(
            "log_path", "log.path",
            "merkle_tree_path", "merkle.tree.path",
            "root_publish_interval_s", "root.publish.interval.s");

    /**
     * Reads the typed configuration, then the aliases from the raw properties of the same PID.
     *
     * @param properties the component's properties ({@code null}: no aliases)
     */
    static AuditConfig from(AuditLogComponent.Config c, Map<String, ?> properties) {
        Map<String, ?> raw = properties == null ? Map.of() : properties;
        String logPath = string(raw, "log.path", c.log_path());
        String merklePath = string(raw, "merkle.tree.path", c.merkle_tree_path());
        long interval = number(raw, "root.publish.interval.s", c.root_publish_interval_s());
        String karafName = System.getProperty("karaf.name", "node");
        String origin = c.origin() == null || c.origin().isBlank() ? "aethercore/" + karafName + "/audit"
                : c.origin().trim();
        Path identityKey = c.identity_key_file() == null || c.identity_key_file().isBlank()
                ? Path.of(System.getProperty("karaf.etc", "etc"), "aethercore", "audit-identity.key")
                : Path.of(c.identity_key_file().trim());
        return new AuditConfig(c.enabled(), dataDir(logPath, "records"), dataDir(merklePath, "merkle"), interval,
                c.retention_days(), c.merkle_log().trim(), c.hash_algorithm(), origin, c.segment_bytes(), identityKey);
    }

    static Path dataDir(String configured, String leaf) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim());
        }
        return Path.of(System.getProperty("karaf.data", "data"), "aethercore", "audit", leaf);
    }

    /** The alias of {@code key}, or null. */
    private static String aliasOf(String key) {
        for (Map.Entry<String, String> e : ALIASES.entrySet()) {
            if (e.getValue().equals(key)) {
                return e.getKey();
            }
        }
        return null;
    }

    private static String string(Map<String, ?> raw, String key, String typed) {
        if (raw.containsKey(key)) {
            return typed;
        }
        Object old = raw.get(aliasOf(key));
        return old == null ? typed : old.toString();
    }

    private static long number(Map<String, ?> raw, String key, long typed) {
        if (raw.containsKey(key)) {
            return typed;
        }
        String alias = aliasOf(key);
        Object old = raw.get(alias);
        if (old == null) {
            return typed;
        }
        if (old instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(old.toString().trim());
        } catch (NumberFormatException e) {
            LOG.warn("Audit log: {} = '{}' is not a number; using {} ({})", alias, old, typed, key);
            return typed;
        }
    }
}
