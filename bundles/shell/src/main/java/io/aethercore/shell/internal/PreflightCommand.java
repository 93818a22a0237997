package io.aethercore.shell.internal;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.console.ReadOnly;
import io.aethercore.shell.internal.ops.Check;
import io.aethercore.shell.internal.ops.NodeProbe;
import io.aethercore.shell.internal.ops.PortOwners;
import io.aethercore.shell.internal.ops.Preflight;
import io.aethercore.shell.internal.ops.Sntp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;

/**
 * {@code aether:preflight}: playbook Phase 1 in one command, one PASS/WARN/FAIL line per check; fails
 * (non-zero exit through aether-ctl or bin/client) when any line is FAIL. docs/baseline.md.
 */
@Service
@ReadOnly
@Command(scope = "aether", name = "preflight",
        description = "Playbook Phase 1 checks: TPM health, bench verdicts, ports, NTP clock offset, JDK and Karaf"
                + " versions, data-directory permissions. Fails when any check fails.")
public class PreflightCommand implements Action {

    /** Configuration of this command: etc/io.aethercore.preflight.cfg. */
    static final String PID = "io.aethercore.preflight";
    static final String NTP_SERVERS = "ntp.servers";
    static final String NTP_TIMEOUT = "ntp.timeout_ms";
    /** Keys every configuration carries that are not ours. */
    static final Set<String> FRAMEWORK_KEYS = Set.of("service.pid", "felix.fileinstall.filename", "service.bundleLocation");

    @Option(name = "-n", aliases = "--ntp", description = "NTP servers host[:port][,host...] (default: ntp.servers of " + PID + ")")
    String ntp;

    @Option(name = "-s", aliases = "--bench-seconds", description = "time of the bench part, 1 to 60 (default 2)")
    int benchSeconds = 2;

    @Reference
    BundleContext bundleContext;

    @Override
    public Object execute() {
        if (benchSeconds < 1 || benchSeconds > 60) {
            throw new IllegalArgumentException("--bench-seconds must be 1 to 60, got " + benchSeconds);
        }
        NodeProbe probe = new NodeProbe(bundleContext);
        List<Check> checks = new ArrayList<>();
        Map<String, Object> cfg = probe.config(PID);
        List<String> unknown = cfg.keySet().stream()
                .filter(k -> !k.equals(NTP_SERVERS) && !k.equals(NTP_TIMEOUT) && !FRAMEWORK_KEYS.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            checks.add(Check.fail("configuration", PID + ": unknown key(s) " + unknown + " refused; the keys are "
                    + NTP_SERVERS + " and " + NTP_TIMEOUT));
        }
        checks.add(probe.with(Attestation.class, null, Preflight::tpm));
        checks.addAll(Preflight.bench(probe.bench(benchSeconds * 1000L / 4)));
        PortOwners owners = new PortOwners();
        ports(probe).forEach(p -> checks.add(Preflight.port(p.what(), p.protocol(), p.port(), owners)));
        checks.add(clock(cfg));
        checks.add(Preflight.jdk(Runtime.version(), System.getProperty("java.vendor", "")));
        checks.add(Preflight.karaf(probe.karafVersion()));
        checks.add(Preflight.dataDirectory(probe.dataDirectory()));
        checks.forEach(c -> System.out.println(c.line()));
        long fail = checks.stream().filter(c -> c.status() == Check.Status.FAIL).count();
        long warn = checks.stream().filter(c -> c.status() == Check.Status.WARN).count();
        System.out.println("preflight: " + (checks.size() - fail - warn) + " PASS, " + warn + " WARN, " + fail + " FAIL");
        if (fail > 0) {
            throw new IllegalStateException("preflight failed: " + fail + " check(s) FAIL");
        }
        return null;
    }

    private Check clock(Map<String, Object> cfg) {
        List<Sntp.Server> servers;
        Duration timeout;
        try {
            String list = ntp != null ? ntp : cfg.get(NTP_SERVERS) == null ? "" : cfg.get(NTP_SERVERS).toString();
            servers = Sntp.Server.parseList(list);
            Object t = cfg.get(NTP_TIMEOUT);
            long ms = t == null || t.toString().isBlank() ? 2000 : Long.parseLong(t.toString().trim());
            if (ms < 1 || ms > 60_000) {
                throw new IllegalArgumentException(NTP_TIMEOUT + " must be 1 to 60000, got " + ms);
            }
            timeout = Duration.ofMillis(ms);
        } catch (IllegalArgumentException e) {
            return Check.fail("clock", "configuration refused: " + e.getMessage());
        }
        return Preflight.clock(servers, new Sntp(timeout));
    }

    record Port(String what, PortOwners.Protocol protocol, int port) {}

    /** The ports of the node's configuration (defaults where a key is not set). */
    static List<Port> ports(NodeProbe probe) {
        List<Port> out = new ArrayList<>();
        String listen = str(probe.config("io.aethercore.b4ae").get("listen_address"), "0.0.0.0:4000");
        out.add(new Port("B4AE (io.aethercore.b4ae listen_address " + listen + ")", PortOwners.Protocol.UDP,
                portOf(listen.substring(listen.lastIndexOf(':') + 1), 4000)));
        Map<String, Object> dash = probe.config("io.aethercore.dashboard");
        out.add(new Port("dashboard (io.aethercore.dashboard port)", PortOwners.Protocol.TCP, portOf(dash.get("port"), 8443)));
        Map<String, Object> metrics = probe.config("io.aethercore.metrics");
        Map<String, Object> b4ae = probe.config("io.aethercore.b4ae");
        Object enabled = metrics.getOrDefault("monitoring.metrics_enabled", b4ae.get("monitoring.metrics_enabled"));
        if (enabled == null || !enabled.toString().trim().equalsIgnoreCase("false")) {
            Object mp = metrics.getOrDefault("monitoring.metrics_port", b4ae.get("monitoring.metrics_port"));
            out.add(new Port("metrics (monitoring.metrics_port)", PortOwners.Protocol.TCP, portOf(mp, 9090)));
        }
        out.add(new Port("SSH console (org.apache.karaf.shell sshPort)", PortOwners.Protocol.TCP,
                portOf(probe.config("org.apache.karaf.shell").get("sshPort"), 8101)));
        return out;
    }

    static String str(Object v, String dflt) {
        return v == null || v.toString().isBlank() ? dflt : v.toString().trim();
    }

    static int portOf(Object v, int dflt) {
        if (v == null || v.toString().isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
