package io.aethercore.dashboard.testing;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;

import io.aethercore.dashboard.DashboardServer;
import io.aethercore.dashboard.DashboardSettings;
import io.aethercore.dashboard.HealthHub;
import io.aethercore.dashboard.HealthModel.MeshSummary;
import io.aethercore.dashboard.HealthModel.NodeHealth;
import io.aethercore.dashboard.HealthModel.Snapshot;
import io.aethercore.dashboard.TlsIdentity;

/**
 * A dashboard server on a free port of 127.0.0.1 with a test federation, a mesh state the test sets, and a
 * fixed operator session ({@link #SESSION}), for tests of the engine without Karaf.
 */
public final class TestDashboard implements AutoCloseable {

    public static final String SESSION = "test-session-token";
    /** A session that expires one second after each connection (to see the WebSocket closed). */
    public static final String SHORT_SESSION = "short-session-token";

    public final TestPki pki;
    public final X509Certificate leaf;
    public final AtomicReference<Snapshot> state = new AtomicReference<>();
    public final HealthHub hub;
    public final DashboardServer server;
    public final DashboardSettings settings;
    public final List<String> genesisFetches = new ArrayList<>();
    private final Path dir;

    public TestDashboard(Handler auth, Optional<byte[]> genesis) throws Exception {
        pki = new TestPki("Test Federation Root");
        KeyPair kp = TestPki.p256();
        leaf = pki.issue("dashboard", kp.getPublic(), List.of("localhost", "127.0.0.1"));
        dir = Files.createTempDirectory("aether-dashboard-test");
        Path ks = dir.resolve("dashboard.p12");
        Path pw = dir.resolve("dashboard.p12.password");
        Files.writeString(pw, "changeit\n");
        try (OutputStream out = Files.newOutputStream(ks)) {
            pki.keyStore("d", kp.getPrivate(), leaf, "changeit".toCharArray()).store(out, "changeit".toCharArray());
        }
        TlsIdentity tls = TlsIdentity.load(ks, pw, List.of(pki.root));
        settings = new DashboardSettings(0, "127.0.0.1", "/mesh/health", "", null, ks, pw, 10, 10, List.of(), "localhost",
                Duration.ofMinutes(15), 64, Duration.ofMillis(2), null);
        state.set(new Snapshot("node-1", new MeshSummary("HEALTHY", 3, "00112233"), List.of(
                node("node-1", "HEALTHY", 1.0, true), node("node-2", "HEALTHY", 0.95, false),
                node("node-3", "DEGRADED", 0.7, false))));
        hub = new HealthHub(state::get, Clock.systemUTC(), 10, 10);
        hub.tick();
        server = new DashboardServer(settings, tls, hub, auth, req -> {
            String cookie = req.getHeaders().get(HttpHeader.COOKIE);
            if (cookie != null && cookie.contains("aether_session=" + SHORT_SESSION)) {
                return Optional.of(new DashboardServer.Login("bob", java.time.Instant.now().plusSeconds(1)));
            }
            return cookie != null && cookie.contains("aether_session=" + SESSION) ? Optional.of(new DashboardServer.Login("alice", java.time.Instant.now().plusSeconds(600)))
                    : Optional.empty();
        }, () -> genesis, (subject, remote, served) -> genesisFetches.add(subject + " " + served),
                TestDashboard.class.getClassLoader());
        server.start();
    }

    public static NodeHealth node(String id, String status, double trust, boolean local) {
        return new NodeHealth(id, status, trust, System.currentTimeMillis(), 0, "tpm", local, true);
    }

    public int port() {
        return server.port();
    }

    public String origin() {
        return "https://localhost:" + port();
    }

    public java.net.URI wsUri() {
        return java.net.URI.create("wss://localhost:" + port() + "/mesh/health");
    }

    @Override
    public void close() throws Exception {
        server.close();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
