package io.aethercore.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit PID's keys: dotted names, and the first releases' spellings as aliases with the same effect. */
class AuditConfigTest {

    /** The typed configuration as DS builds it: the dotted keys of {@code props}, else the defaults. */
    static AuditLogComponent.Config config(Map<String, Object> props) {
        return (AuditLogComponent.Config) Proxy.newProxyInstance(AuditConfigTest.class.getClassLoader(),
                new Class<?>[] {AuditLogComponent.Config.class}, (p, m, a) -> {
                    String key = m.getName().replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
                    Object v = props.get(key);
                    if (v == null) {
                        return m.getDefaultValue();
                    }
                    if (m.getReturnType() == long.class) {
                        return Long.parseLong(v.toString());
                    }
                    return v;
                });
    }

    static AuditConfig read(Map<String, Object> props) {
        return AuditConfig.from(config(props), props);
    }

    @Test
    void oldSpellingsKeepTheirEffect() {
        Map<String, Object> old = new HashMap<>();
        old.put("log_path", "/var/audit/records");
        old.put("merkle_tree_path", "/var/audit/merkle");
        old.put("root_publish_interval_s", "60");
        AuditConfig c = read(old);
        assertEquals(Path.of("/var/audit/records"), c.logDirectory());
        assertEquals(Path.of("/var/audit/merkle"), c.merkleDirectory());
        assertEquals(60, c.publishIntervalSeconds());
    }

    @Test
    void dottedKeysWorkAndWinOverAliases() {
        Map<String, Object> p = new HashMap<>();
        p.put("log.path", "/a");
        p.put("log_path", "/b");
        p.put("root.publish.interval.s", "30");
        p.put("root_publish_interval_s", 90L);
        p.put("merkle.tree.path", "/m");
        AuditConfig c = read(p);
        assertEquals(Path.of("/a"), c.logDirectory());
        assertEquals(Path.of("/m"), c.merkleDirectory());
        assertEquals(30, c.publishIntervalSeconds());
    }

    @Test
    void emptyPathsAndDefaults() {
        Map<String, Object> p = new HashMap<>();
        p.put("log_path", "");
        AuditConfig c = read(p);
        assertEquals(Path.of(System.getProperty("karaf.data", "data"), "aethercore", "audit", "records"),
                c.logDirectory());
        assertEquals(300, c.publishIntervalSeconds());
        assertEquals(2555, c.retentionDays());
        assertEquals("audit", c.merkleLog());
        assertEquals("BLAKE3", c.hashAlgorithm());
    }
}
