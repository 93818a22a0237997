package io.aethercore.testing.karaf;

import java.util.List;

/**
 * One port a node needs of its own: which configuration key holds it and how the value is written.
 * The harness picks a free port for each binding whose {@code etc/<pid>.cfg} exists in the distribution
 * (so a binding for a feature the distribution does not ship, such as Karaf's RMI management, costs
 * nothing) and writes it with {@link #format()} before the node starts.
 *
 * <p>To follow a port that moves to another PID (the metrics endpoint may move from
 * {@code io.aethercore.b4ae} to {@code io.aethercore.metrics}), add a row to {@link #DEFAULTS} or pass
 * one to {@link KarafNode.Builder#port(PortBinding)}; rows whose file is absent are skipped.
 *
 * @param id        the name tests use to ask for the port ({@link KarafNode#port(String)})
 * @param pid       the configuration PID, i.e. the file {@code etc/<pid>.cfg}
 * @param key       the key in that file
 * @param protocol  TCP or UDP: which kind of socket must be free
 * @param format    the value written, {@code %d} replaced by the port (e.g. {@code 127.0.0.1:%d})
 */
public record PortBinding(String id, String pid, String key, Protocol protocol, String format) {

    /** Which kind of socket the node opens on the port. */
    public enum Protocol { TCP, UDP }

    /** The SSH console: every node has one. */
    public static final String SSH = "ssh";
    /** The B4AE v2 UDP endpoint ({@code listen_address}), bound to loopback. */
    public static final String B4AE = "b4ae";
    /** The node's Prometheus endpoint (bundles/metrics). */
    public static final String METRICS = "metrics";
    public static final String RMI_REGISTRY = "rmi.registry";
    public static final String RMI_SERVER = "rmi.server";
    public static final String HTTP = "http";
    /** The dashboard's HTTPS/WSS port. */
    public static final String DASHBOARD = "dashboard";

    /**
     * The ports of an AetherCore node (Karaf 4.4.10 names; grep {@code etc/} of the distribution for
     * {@code port} when adding a capability that listens).
     */
    public static final List<PortBinding> DEFAULTS = List.of(
            new PortBinding(SSH, "org.apache.karaf.shell", "sshPort", Protocol.TCP, "%d"),
            new PortBinding(RMI_REGISTRY, "org.apache.karaf.management", "rmiRegistryPort", Protocol.TCP, "%d"),
            new PortBinding(RMI_SERVER, "org.apache.karaf.management", "rmiServerPort", Protocol.TCP, "%d"),
            new PortBinding(HTTP, "org.ops4j.pax.web", "org.osgi.service.http.port", Protocol.TCP, "%d"),
            new PortBinding(B4AE, "io.aethercore.b4ae", "listen_address", Protocol.UDP, "127.0.0.1:%d"),
            new PortBinding(METRICS, "io.aethercore.b4ae", "monitoring.metrics_port", Protocol.TCP, "%d"),
            new PortBinding(DASHBOARD, "io.aethercore.dashboard", "port", Protocol.TCP, "%d"),
            // the metrics bundle reads its port from both PIDs; this row is skipped while the distribution
            // ships no etc/io.aethercore.metrics.cfg
            new PortBinding(METRICS, "io.aethercore.metrics", "monitoring.metrics_port", Protocol.TCP, "%d"));

    public PortBinding {
        if (!format.contains("%d")) {
            throw new IllegalArgumentException("format must contain %d: " + format);
        }
    }

    /** The configuration value for a port. */
    public String value(int port) {
        return format.replace("%d", Integer.toString(port));
    }
}
