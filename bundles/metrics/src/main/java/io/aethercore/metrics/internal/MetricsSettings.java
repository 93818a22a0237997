package io.aethercore.metrics.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where and how the endpoint serves: one immutable value, validated. The keys are those of the B4AE
 * {@code monitoring.*} keys that {@code docs/configuration.md} lists.
 */
public record MetricsSettings(boolean enabled, int port, String path, String bindAddress, boolean tlsEnabled,
                              String tlsKeystorePath, String tlsKeystoreType, String tlsKeystorePasswordFile) {

    private static final Pattern PATH = Pattern.compile("^/[A-Za-z0-9/_.\\-]{0,63}$");

    /** The defaults: plain HTTP on 127.0.0.1:9090/metrics. */
    public static MetricsSettings defaults() {
        return new MetricsSettings(true, 9090, "/metrics", "127.0.0.1", false, "", "PKCS12", "");
    }

    /** From the component's configuration; every invalid value is named, with its key. */
    static MetricsSettings of(MetricsComponent.Config c) {
        List<String> problems = new ArrayList<>();
        int port = 0;
        try {
            port = c.monitoring_metrics__port();
        } catch (RuntimeException e) {
            problems.add("monitoring.metrics_port: not a number");
        }
        MetricsSettings s = new MetricsSettings(c.monitoring_metrics__enabled(), port, c.monitoring_metrics__path().trim(),
                c.monitoring_metrics__bind__address().trim(), c.monitoring_tls__enabled(),
                c.monitoring_tls__keystore__path().trim(), c.monitoring_tls__keystore__type().trim(),
                c.monitoring_tls__keystore__password__file().trim());
        problems.addAll(s.problems());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return s;
    }

    /** What is wrong with these settings, each with its key; empty when they are valid. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (port < 0 || port > 65_535) {
            p.add("monitoring.metrics_port: " + port + " is invalid; allowed: 0 to 65535 (0: any free port)");
        }
        if (!PATH.matcher(path).matches()) {
            p.add("monitoring.metrics_path: '" + path + "' is invalid; allowed: / then letters, digits, /_.- (at most 64)");
        }
        if (bindAddress.isEmpty()) {
            p.add("monitoring.metrics_bind_address: empty; give an address of this host (127.0.0.1, 0.0.0.0)");
        }
        if (!tlsKeystoreType.equals("PKCS12") && !tlsKeystoreType.equals("JKS")) {
            p.add("monitoring.tls_keystore_type: '" + tlsKeystoreType + "' is invalid; allowed: PKCS12, JKS");
        }
        if (tlsEnabled && (tlsKeystorePath.isEmpty() || tlsKeystorePasswordFile.isEmpty())) {
            p.add("monitoring.tls_enabled: true needs monitoring.tls_keystore_path and "
                    + "monitoring.tls_keystore_password_file (a file holding the keystore password)");
        }
        return p;
    }
}
