package io.aethercore.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.aethercore.dashboard.HealthModel.Event;
import io.aethercore.dashboard.HealthModel.MeshSummary;
import io.aethercore.dashboard.HealthModel.NodeHealth;
import io.aethercore.dashboard.HealthModel.Snapshot;
import io.aethercore.dashboard.testing.TestDashboard;
import io.aethercore.dashboard.testing.TestPki;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The {@code /mesh/health} protocol against a real Jetty server over TLS 1.3, with Jetty's WebSocket client. */
class HealthProtocolTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static TestDashboard d;

    @BeforeAll
    static void start() throws Exception {
        d = new TestDashboard(null, Optional.empty());
    }

    @AfterAll
    static void stop() throws Exception {
        d.close();
    }

    private static HealthClient connect() throws Exception {
        return HealthClient.connect(d.wsUri(), List.of(d.pki.root), d.origin(), TestDashboard.SESSION, WAIT);
    }

    private static JsonNode json(HealthClient.Received r) {
        assertNotNull(r, "no message arrived in time");
        return JSON.readTree(r.text());
    }

    @Test
    void snapshotOnConnectThenDeltasAndEvents() throws Exception {
        try (HealthClient c = connect()) {
            JsonNode snap = json(c.next(WAIT));
            assertEquals("snapshot", snap.path("type").asString());
            assertEquals("node-1", snap.path("self").asString());
            assertEquals("alice", snap.path("operator").asString());
            assertEquals(3, snap.path("nodes").size());
            assertEquals("HEALTHY", snap.path("mesh").path("state").asString());
            long seq = snap.path("seq").asLong();

            List<NodeHealth> nodes = new ArrayList<>(d.state.get().nodes());
            nodes.set(2, TestDashboard.node("node-3", "QUARANTINED", 0.4, false));
            d.state.set(new Snapshot("node-1", new MeshSummary("CONTESTED", 4, "44556677"), nodes));
            d.hub.tick();
            JsonNode delta = json(c.next("delta", WAIT));
            assertEquals(seq + 1, delta.path("seq").asLong());
            assertEquals(1, delta.path("nodes").size(), "only the changed node travels");
            assertEquals("QUARANTINED", delta.path("nodes").get(0).path("status").asString());
            assertEquals("CONTESTED", delta.path("mesh").path("state").asString());

            d.hub.event(new Event("REVOKED", "node-3", "ByzantineDetection", System.currentTimeMillis()));
            JsonNode ev = json(c.next("delta", WAIT));
            assertEquals("REVOKED", ev.path("events").get(0).path("type").asString());
            assertEquals("node-3", ev.path("events").get(0).path("node").asString());

            c.send("{\"type\":\"ping\",\"t\":123}");
            JsonNode pong = json(c.next("pong", WAIT));
            assertEquals(123, pong.path("t").asLong());
        } finally {
            d.state.set(new Snapshot("node-1", new MeshSummary("HEALTHY", 3, "00112233"), List.of(
                    TestDashboard.node("node-1", "HEALTHY", 1.0, true), TestDashboard.node("node-2", "HEALTHY", 0.95, false),
                    TestDashboard.node("node-3", "DEGRADED", 0.7, false))));
            d.hub.tick();
        }
    }

    @Test
    void badFramesGetErrorsThenTheConnectionIsClosed() throws Exception {
        try (HealthClient c = connect()) {
            assertEquals("snapshot", json(c.next(WAIT)).path("type").asString());
            List<String> bads = List.of("not json", "[1,2]", "{\"type\":42}", "{\"type\":\"launch\"}",
                    "{\"type\":\"metrics\",\"frames\":\"many\"}", "{\"type\":\"metrics\",\"frameP99\":-1}");
            for (String bad : bads) {
                c.send(bad);
                JsonNode err = json(c.next("error", WAIT));
                assertFalse(err.path("message").asString().isEmpty(), bad);
            }
            assertTrue(c.isOpen(), "a few bad frames do not close the connection");
            // exactly the frame that crosses the limit, and none after it: frames still arriving after the
            // server's close make its TCP stack answer with a reset, which can overtake the close frame (1006)
            for (int i = bads.size(); i <= HubClient.MAX_BAD_FRAMES; i++) {
                c.send("nope");
            }
            long end = System.nanoTime() + WAIT.toNanos();
            while (c.closeCode() < 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(1008, c.closeCode(), "a client that keeps sending garbage is closed (policy violation)");
        }
    }

    @Test
    void aFrameOver64KiBClosesTheConnection() throws Exception {
        try (HealthClient c = connect()) {
            assertEquals("snapshot", json(c.next(WAIT)).path("type").asString());
            c.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70_000) + "\"}");
            long end = System.nanoTime() + WAIT.toNanos();
            while (c.closeCode() < 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(1009, c.closeCode(), "message too big");
        }
    }

    @Test
    void aSlowConsumerIsCoalescedThenResyncedWithASnapshot() throws Exception {
        TelemetryPipeline pipeline = new TelemetryPipeline(d.hub, 2);
        long resyncsAtStart = d.hub.resyncs();
        try (HealthClient c = connect()) {
            assertEquals("snapshot", json(c.next(WAIT)).path("type").asString());
            c.send("{\"type\":\"subscribe\",\"telemetry\":true}");
            Thread.sleep(200);
            c.pause();
            // fill the socket and the server's per-client telemetry cap
            String pad = "x".repeat(200);
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int i = 0;
            while (!d.hub.describeClients().toString().contains("telemetry chars waiting") && System.nanoTime() < end) {
                for (int k = 0; k < 5000; k++, i++) {
                    pipeline.emit("node-" + i + pad, "load", i);
                }
                Thread.sleep(50);
            }
            // the server holds telemetry for this client now: another ~8 MB exceeds its 4 MiB cap
            for (int k = 0; k < 30_000; k++, i++) {
                pipeline.emit("node-" + i + pad, "load", i);
            }
            Thread.sleep(300);
            // state keeps changing while the client does not read: these are coalesced, not queued
            for (int t = 0; t < 12; t++) {
                List<NodeHealth> nodes = new ArrayList<>(d.state.get().nodes());
                nodes.set(1, TestDashboard.node("node-2", "HEALTHY", 0.90 + t / 1000.0, false));
                d.state.set(new Snapshot("node-1", d.state.get().mesh(), nodes));
                d.hub.tick();
            }
            assertTrue(d.hub.resyncs() > resyncsAtStart, "the hub decided to resync the slow client");
            String waiting = d.hub.describeClients().toString();
            assertTrue(waiting.contains("telemetry chars waiting"), waiting);
            c.resume();
            JsonNode resync = json(c.next("resync", Duration.ofSeconds(20)));
            assertTrue(resync.path("reason").asString().startsWith("slow consumer"), resync.toString());
            JsonNode snap = json(c.next(Duration.ofSeconds(20)));
            assertEquals("snapshot", snap.path("type").asString(), "a snapshot follows the resync at once");
            assertEquals(0.911, snap.path("nodes").get(1).path("trust").asDouble(), 1e-9, "the newest state");
            JsonNode dropped = json(c.next("dropped", Duration.ofSeconds(20)));
            assertTrue(dropped.path("count").asLong() > 0, "telemetry beyond the cap was dropped and counted");
        } finally {
            pipeline.close();
        }
    }

    @Test
    void theConnectionEndsWhenItsSessionExpires() throws Exception {
        try (HealthClient c = HealthClient.connect(d.wsUri(), List.of(d.pki.root), d.origin(), TestDashboard.SHORT_SESSION,
                WAIT)) {
            assertEquals("bob", json(c.next(WAIT)).path("operator").asString());
            d.hub.tick();
            assertTrue(c.isOpen(), "still valid");
            Thread.sleep(1200);
            d.hub.tick();
            long end = System.nanoTime() + WAIT.toNanos();
            while (c.closeCode() < 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(1008, c.closeCode(), "closed when the login expired: the page must log in again");
        }
    }

    @Test
    void withoutASessionTheUpgradeIsRefused() {
        Exception e = assertThrows(Exception.class,
                () -> HealthClient.connect(d.wsUri(), List.of(d.pki.root), d.origin(), null, WAIT).close());
        assertTrue(String.valueOf(e.getMessage()).contains("401") || String.valueOf(e.getCause()).contains("401"),
                String.valueOf(e));
    }

    @Test
    void aForgedOriginIsRefused() {
        Exception e = assertThrows(Exception.class, () -> HealthClient.connect(d.wsUri(), List.of(d.pki.root),
                "https://evil.example", TestDashboard.SESSION, WAIT).close());
        assertTrue(String.valueOf(e.getMessage()).contains("403") || String.valueOf(e.getCause()).contains("403"),
                String.valueOf(e));
        assertThrows(Exception.class,
                () -> HealthClient.connect(d.wsUri(), List.of(d.pki.root), null, TestDashboard.SESSION, WAIT).close(),
                "no Origin at all is refused too");
    }

    @Test
    void aClientThatDoesNotTrustTheFederationRootCannotConnect() throws Exception {
        TestPki other = new TestPki("Another Root");
        Exception e = assertThrows(Exception.class, () -> HealthClient.connect(d.wsUri(), List.of(other.root),
                d.origin(), TestDashboard.SESSION, WAIT).close());
        assertTrue(String.valueOf(e).contains("SSL") || String.valueOf(e).contains("PKIX")
                || String.valueOf(e).contains("certificate"), String.valueOf(e));
    }

    @Test
    void onlyTls13IsOffered() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("root", d.pki.root);
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", d.port())) {
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            assertThrows(SSLHandshakeException.class, s::startHandshake, "a TLS 1.2 client is refused");
        }
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", d.port())) {
            s.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            s.startHandshake();
            assertEquals("TLSv1.3", s.getSession().getProtocol());
        }
    }
}
