package io.aethercore.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.aethercore.dashboard.testing.TestDashboard;

/** The load test delivers every sample to every subscribed client over real WSS (timing is not asserted). */
class LoadTestTest {

    @Test
    void everySampleReachesEveryClient() throws Exception {
        int nodes = Integer.getInteger("loadtest.nodes", 20);
        int rate = Integer.getInteger("loadtest.rate", 50);
        int clientCount = Integer.getInteger("loadtest.clients", 3);
        int seconds = Integer.getInteger("loadtest.seconds", 2);
        try (TestDashboard d = new TestDashboard(null, Optional.empty());
                TelemetryPipeline p = new TelemetryPipeline(d.hub, Integer.getInteger("loadtest.batchms", 2))) {
            List<HealthClient> clients = new ArrayList<>();
            try (HealthClient.Connector connector = new HealthClient.Connector(List.of(d.pki.root))) {
                for (int i = 0; i < clientCount; i++) {
                    clients.add(connector.connect(d.wsUri(), d.origin(), TestDashboard.SESSION, Duration.ofSeconds(5)));
                }
                // other telemetry flows at the same time (the node's own samples): the clients count only the test's
                Thread noise = new Thread(() -> {
                    for (int i = 0; i < 2000 && !Thread.currentThread().isInterrupted(); i++) {
                        p.emit("node-" + (i % 7), "trust", 0.9);
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                noise.start();
                LoadTest.Result r = LoadTest.run(p, nodes, rate, Duration.ofSeconds(seconds), clients);
                noise.interrupt();
                System.out.print(r.report());
                assertTrue(r.emitted() > 0);
                assertEquals(0, r.droppedAtIngest());
                assertEquals(r.expected(), r.received(), "every sample reached every client");
                assertTrue(r.p99Millis() >= r.p50Millis());
            } finally {
                clients.forEach(HealthClient::close);
            }
        }
    }
}
