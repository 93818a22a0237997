package io.aethercore.dashboard.internal.command;

import java.util.Locale;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.dashboard.Dashboard;
import io.aethercore.dashboard.internal.DashboardControl;

/** {@code aether:dashboard-status}: whether the dashboard listens, with which certificate, who is connected. */
@Service
@ReadOnly
@Command(scope = "aether", name = "dashboard-status",
        description = "Dashboard state (listening or waiting for its certificate, and why), certificate, pinned root, connected clients, telemetry counters.")
public class DashboardStatusCommand implements Action {

    @Reference(optional = true)
    DashboardControl control;

    @Override
    public Object execute() {
        DashboardControl c = Commands.require(control);
        if (c.refusal().isPresent()) {
            System.out.println("Dashboard: NOT RUNNING: " + c.refusal().get());
            return null;
        }
        Dashboard d = c.dashboard();
        Dashboard.Status s = d.status();
        System.out.println("Dashboard: " + s.state() + " since " + s.since() + ": " + s.message());
        if (s.identity() != null) {
            System.out.println("Certificate: " + s.identity().certificate().getSubjectX500Principal().getName()
                    + ", issued by " + s.identity().certificate().getIssuerX500Principal().getName() + ", SHA-256 "
                    + s.identity().fingerprint());
        }
        System.out.println("Settings: port " + c.settings().port() + ", WebSocket " + c.settings().wsPath() + ", TLS 1.3 only,"
                + " update " + c.settings().updateHz() + " Hz, sweep " + c.settings().sweepHz() + " Hz, origins "
                + c.settings().origins() + ", WebAuthn RP id " + c.settings().rpId());
        System.out.println("Operators: " + c.operators().operators().size() + " registered");
        System.out.println("Connections: " + d.connections() + " TCP, " + d.hub().clientCount() + " WebSocket clients, "
                + d.hub().resyncs() + " slow-client resyncs since start");
        d.hub().describeClients().values().forEach(x -> System.out.println("  " + x));
        long[] t = d.telemetry().counters();
        System.out.println(String.format(Locale.ROOT, "Telemetry: %,d samples emitted, %,d published in %,d batches, %,d"
                + " dropped at ingest", t[0], t[1], t[3], t[2]));
        return null;
    }
}
