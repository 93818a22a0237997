package io.aethercore.dashboard.internal.command;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.aethercore.dashboard.Dashboard;
import io.aethercore.dashboard.HealthClient;
import io.aethercore.dashboard.LoadTest;
import io.aethercore.dashboard.internal.DashboardControl;
import io.aethercore.support.console.ConsoleOperator;

/**
 * {@code aether:load-test}: the playbook's {@code telemetry-load-test} (Step 7.1). Synthetic nodes emit through
 * the dashboard's telemetry ingest; clients connected over WSS to this node's own dashboard measure each
 * sample's emit-to-receipt latency.
 */
@Service
@Command(scope = "aether", name = "load-test",
        description = "Telemetry load test (playbook 7.1): --nodes synthetic nodes x --rate events/s each for --duration seconds, measured by --clients WSS clients.")
public class LoadTestCommand implements Action {

    @Option(name = "--nodes", description = "synthetic nodes (default 100)")
    int nodes = 100;

    @Option(name = "--rate", description = "events per second per node (default 10; the playbook's throughput target is 1000)")
    int rate = 10;

    @Option(name = "--duration", description = "seconds (default 60)")
    int duration = 60;

    @Option(name = "--clients", description = "WSS clients that subscribe and measure (default 10)")
    int clients = 10;

    @Reference(optional = true)
    DashboardControl control;

    @Override
    public Object execute() throws Exception {
        DashboardControl c = Commands.require(control);
        if (duration < 1 || duration > 3600) {
            throw new IllegalArgumentException("--duration must be 1 to 3600 seconds");
        }
        if (clients < 1 || clients > 32) {
            throw new IllegalArgumentException("--clients must be 1 to 32");
        }
        Dashboard d = c.dashboard();
        Dashboard.Status s = d.status();
        // just after a configuration change or a new certificate the server takes a moment to (re)start
        for (int i = 0; i < 50 && s.state() != Dashboard.State.LISTENING; i++) {
            Thread.sleep(100);
            s = c.dashboard().status();
            d = c.dashboard();
        }
        if (s.state() != Dashboard.State.LISTENING) {
            throw new IllegalStateException("the dashboard is not listening (" + s.state() + ": " + s.message() + ")");
        }
        String token = c.internalSessions().issue(ConsoleOperator.current().id() + " (load-test)",
                Duration.ofSeconds(duration + 60L));
        List<HealthClient> connected = new ArrayList<>();
        try (HealthClient.Connector connector = new HealthClient.Connector(s.identity().roots())) {
            String origin = "https://localhost:" + s.port();
            for (int i = 0; i < clients; i++) {
                connected.add(connector.connect(URI.create("wss://localhost:" + s.port() + c.settings().wsPath()), origin,
                        token, Duration.ofSeconds(10)));
            }
            System.out.println("Running " + nodes + " nodes x " + rate + " events/s for " + duration + " s with "
                    + clients + " WSS client(s)...");
            LoadTest.Result r = LoadTest.run(d.telemetry(), nodes, rate, Duration.ofSeconds(duration), connected);
            System.out.print(r.report());
            connected.forEach(HealthClient::close);
        } finally {
            c.internalSessions().revoke(token);
        }
        return null;
    }
}
