package io.aethercore.backup.internal.command;

import io.aethercore.backup.internal.BackupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Where the node's stores live, read from ConfigAdmin with the owners' own defaults. */
final class StoreDirs {

    static final String MERKLE_FACTORY = "io.aethercore.merkle.log";
    static final String AUDIT_PID = "io.aethercore.audit";

    private StoreDirs() {}

    static String data() {
        return System.getProperty("karaf.data", "data");
    }

    /** Merkle log name → directory (logs kept in memory are left out). */
    static Map<String, Path> merkleLogs(ConfigurationAdmin ca) throws Exception {
        Map<String, Path> out = new LinkedHashMap<>();
        Configuration[] cs = ca.listConfigurations("(service.factoryPid=" + MERKLE_FACTORY + ")");
        if (cs == null) {
            return out;
        }
        for (Configuration c : cs) {
            Dictionary<String, Object> p = c.getProperties();
            if (p == null || p.get("name") == null) {
                continue;
            }
            String name = String.valueOf(p.get("name")).trim();
            Object d = p.get("storage.dir");
            String dir = d == null ? "" : expand(String.valueOf(d).trim());
            if (dir.equals(":memory:")) {
                continue;
            }
            out.put(name, dir.isEmpty() ? Path.of(data(), "aethercore", "merkle", name) : Path.of(dir));
        }
        return out;
    }

    /** The audit record store directory and the name of its Merkle log. */
    static Map.Entry<Path, String> audit(ConfigurationAdmin ca) throws IOException {
        Configuration c = ca.getConfiguration(AUDIT_PID, "?");
        Dictionary<String, Object> p = c == null ? null : c.getProperties();
        String path = value(p, "log.path", value(p, "log_path", ""));
        String log = value(p, "merkle.log", "audit");
        Path dir = path.isEmpty() ? Path.of(data(), "aethercore", "audit", "records") : Path.of(expand(path));
        return Map.entry(dir, log);
    }

    private static String value(Dictionary<String, Object> p, String key, String dflt) {
        Object v = p == null ? null : p.get(key);
        return v == null || String.valueOf(v).isBlank() ? dflt : String.valueOf(v).trim();
    }

    static String expand(String s) {
        return s.replace("${karaf.data}", data()).replace("${karaf.home}", System.getProperty("karaf.home", "."))
                .replace("${karaf.etc}", System.getProperty("karaf.etc", "etc"));
    }

    /**
     * A passphrase from a file (first line, the file should be readable by the node's user only) or from an
     * environment variable of the node's process. Never from the command line.
     */
    static char[] passphrase(String file, String env) throws BackupException, IOException {
        if (file != null && env != null) {
            throw new BackupException(null, "give --passphrase-file or --passphrase-env, not both");
        }
        if (file != null) {
            Path f = Path.of(file);
            if (!Files.isRegularFile(f)) {
                throw new BackupException(null, "no passphrase file " + file);
            }
            if (Files.size(f) > 4096) {
                throw new BackupException(null, "the passphrase file is larger than 4 KiB");
            }
            String s = Files.readString(f, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            return (nl < 0 ? s : s.substring(0, nl)).replace("\r", "").toCharArray();
        }
        if (env != null) {
            String v = System.getenv(env);
            if (v == null || v.isEmpty()) {
                throw new BackupException(null, "the environment variable " + env + " is not set in the node's process");
            }
            return v.toCharArray();
        }
        return null;
    }

}
