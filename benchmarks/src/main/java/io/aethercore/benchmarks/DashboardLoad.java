package io.aethercore.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.aethercore.dashboard.HealthClient;
import io.aethercore.dashboard.LoadTest;
import io.aethercore.dashboard.TelemetryPipeline;
import io.aethercore.dashboard.testing.TestDashboard;

/**
 * The dashboard's telemetry path end to end, in one JVM (docs/PERFORMANCE.md "Dashboard telemetry"): a real
 * Jetty 12 TLS 1.3 server with the hub and the pipeline, synthetic nodes emitting through
 * {@link TelemetryPipeline#emit}, and WSS clients subscribed to raw telemetry measuring emit-to-receipt latency
 * ({@link LoadTest}). Not JMH: what is measured is a latency distribution under a fixed offered load over
 * seconds, not the cost of a call. The clients share the machine's cores with the server they measure.
 *
 * <p>Arguments: {@code --seconds N} per configuration (default 30), {@code --configs n:rate:clients,...}
 * (default the playbook's 100:10:10, then 100:1000 with 1, 10 clients).
 */
public final class DashboardLoad {

    private DashboardLoad() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 30;
        String configs = "100:10:10,100:1000:1,100:1000:10";
        for (int i = 0; i < args.length - 1; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--configs" -> configs = args[i + 1];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "%-7s %-7s %-8s %-12s %-10s %-9s %-9s %-9s%n", "NODES", "RATE", "CLIENTS",
                "EVENTS/S", "DELIVERED", "P50_MS", "P99_MS", "MAX_MS");
        for (String c : configs.split(",")) {
            String[] p = c.split(":");
            int nodes = Integer.parseInt(p[0]);
            int rate = Integer.parseInt(p[1]);
            int clients = Integer.parseInt(p[2]);
            try (TestDashboard d = new TestDashboard(null, Optional.empty());
                    TelemetryPipeline pipeline = new TelemetryPipeline(d.hub, 2);
                    HealthClient.Connector connector = new HealthClient.Connector(List.of(d.pki.root))) {
                List<HealthClient> connected = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    connected.add(connector.connect(d.wsUri(), d.origin(), TestDashboard.SESSION, Duration.ofSeconds(5)));
                }
                // warm-up (JIT), not counted
                LoadTest.run(pipeline, nodes, rate, Duration.ofSeconds(Math.min(5, seconds)), connected);
                LoadTest.Result r = LoadTest.run(pipeline, nodes, rate, Duration.ofSeconds(seconds), connected);
                System.out.printf(Locale.ROOT, "%-7d %-7d %-8d %-12.0f %-10s %-9.2f %-9.2f %-9.2f%n", nodes, rate, clients,
                        r.eventsPerSecond(), String.format(Locale.ROOT, "%.2f%%", 100.0 * r.received() / r.expected()),
                        r.p50Millis(), r.p99Millis(), r.maxMillis());
                connected.forEach(HealthClient::close);
            }
        }
    }
}
