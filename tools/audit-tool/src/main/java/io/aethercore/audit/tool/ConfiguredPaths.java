package io.aethercore.audit.tool;

import io.aethercore.audit.internal.PinnedKeys;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;

/**
 * What the offline check reads from the node's {@code etc/io.aethercore.audit.cfg}: the records directory
 * ({@code log.path}, alias {@code log_path}; the dotted key wins, as on the node) and the pinned signer keys
 * ({@code checkpoint.pinned_keys}, plus the pin file {@code etc/aethercore/audit-pinned-keys}).
 *
 * @param logPath the records directory
 * @param pinnedKeys fingerprints the check trusts
 */
record ConfiguredPaths(Path logPath, Set<String> pinnedKeys) {

    /**
     * @param config the configuration file
     * @param karafHome the node's home ({@code null}: the configuration file's grandparent)
     */
    static ConfiguredPaths read(Path config, Path karafHome) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Path home = karafHome != null ? karafHome : config.toAbsolutePath().getParent().getParent();
        Path etc = config.toAbsolutePath().getParent();
        String configured = p.getProperty("log.path", p.getProperty("log_path", "")).trim();
        Path log = configured.isEmpty() ? home.resolve("data").resolve("aethercore").resolve("audit").resolve("records")
                : Path.of(expand(configured, home, etc));
        Set<String> pins = new LinkedHashSet<>(PinnedKeys.parse(p.getProperty("checkpoint.pinned_keys", "")));
        pins.addAll(PinnedKeys.read(etc.resolve("aethercore").resolve(PinnedKeys.FILE)));
        return new ConfiguredPaths(log, pins);
    }

    private static String expand(String value, Path home, Path etc) {
        return value.replace("${karaf.data}", home.resolve("data").toString())
                .replace("${karaf.home}", home.toString())
                .replace("${karaf.base}", home.toString())
                .replace("${karaf.etc}", etc.toString());
    }
}
