package io.aethercore.dashboard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running dashboard: the hub ticking at {@code update_frequency_hz}, the telemetry pipeline, and the
 * HTTPS/WSS server, which starts once a certificate chaining to the federation root is present and restarts
 * when that certificate file changes (renewal without a restart of the node). OSGi-free: the DS component
 * builds one per configuration.
 */
public final class Dashboard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    private static final long CERTIFICATE_CHECK_MILLIS = 2000;
    private static final long START_DELAY_MILLIS = 300;

    /** Where the dashboard is. */
    public enum State {
        /** No usable certificate yet (see the message): nothing listens. */
        WAITING_FOR_CERTIFICATE,
        /** Serving on the port. */
        LISTENING,
        /** The server could not start (see the message); retried with the next certificate check. */
        FAILED,
        STOPPED
    }

    /** State, message, and when it was entered. */
    public record Status(State state, String message, Instant since, TlsIdentity identity, int port) {
    }

    /** The parts the server needs from outside. */
    public record Parts(HealthModel.Source source, Supplier<List<X509Certificate>> roots,
            Supplier<Optional<byte[]>> genesis, DashboardServer.GenesisListener genesisListener, Handler auth,
            DashboardServer.Authenticator authenticator, ClassLoader web) {
    }

    private final DashboardSettings settings;
    private final Parts parts;
    private final HealthHub hub;
    private final TelemetryPipeline telemetry;
    private final ScheduledExecutorService timer;
    private volatile Status status;
    private DashboardServer server; // timer thread only (and close)
    private String loadedStamp = "";

    public Dashboard(DashboardSettings settings, Parts parts) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.parts = Objects.requireNonNull(parts, "parts");
        this.hub = new HealthHub(parts.source(), Clock.systemUTC(), settings.updateHz(), settings.sweepHz());
        this.telemetry = new TelemetryPipeline(hub, settings.telemetryBatch().toMillis());
        this.status = new Status(State.WAITING_FOR_CERTIFICATE, "starting", Instant.now(), null, -1);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aethercore-dashboard-hub");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, 1000 / settings.updateHz());
        // the first tick and the first listen wait a moment: the DS shell binds the registry and the mesh state
        // right after it built this, and a page must not get an empty snapshot from a half-wired node
        timer.scheduleAtFixedRate(this::tick, START_DELAY_MILLIS, period, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::checkCertificate, START_DELAY_MILLIS + 50, CERTIFICATE_CHECK_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            hub.tick();
        } catch (RuntimeException e) {
            LOG.warn("Dashboard: update failed: {}", e.toString());
        }
    }

    /** Starts the server when a certificate appears, restarts it when the file changes. */
    private synchronized void checkCertificate() {
        try {
            Path ks = settings.keyStore();
            String stamp = Files.isRegularFile(ks) ? Files.getLastModifiedTime(ks).toMillis() + "/" + Files.size(ks)
                    + "/" + (Files.isRegularFile(settings.keyStorePasswordFile())
                            ? Files.getLastModifiedTime(settings.keyStorePasswordFile()).toMillis() : 0)
                    : "";
            List<X509Certificate> roots = parts.roots().get();
            stamp += "/" + roots.hashCode();
            if (stamp.equals(loadedStamp) && status.state() != State.FAILED) {
                return;
            }
            if (stamp.equals(loadedStamp) && status.state() == State.FAILED
                    && Instant.now().isBefore(status.since().plusSeconds(10))) {
                return;
            }
            loadedStamp = stamp;
            TlsIdentity id;
            try {
                id = TlsIdentity.load(ks, settings.keyStorePasswordFile(), roots);
            } catch (DashboardException e) {
                stopServer();
                setStatus(State.WAITING_FOR_CERTIFICATE, e.getMessage(), null, -1);
                return;
            }
            stopServer();
            DashboardServer s = new DashboardServer(settings, id, hub, parts.auth(), parts.authenticator(),
                    parts.genesis(), parts.genesisListener(), parts.web());
            try {
                s.start();
            } catch (DashboardException e) {
                setStatus(State.FAILED, e.getMessage(), id, -1);
                return;
            }
            server = s;
            setStatus(State.LISTENING, "https://" + (settings.publicHost().isEmpty() ? "localhost" : settings.publicHost())
                    + ":" + s.port() + "/ (health WebSocket " + settings.wsPath() + "), certificate "
                    + id.certificate().getSubjectX500Principal().getName() + " until " + id.certificate().getNotAfter()
                    .toInstant(), id, s.port());
        } catch (Exception e) {
            LOG.warn("Dashboard: certificate check failed: {}", e.toString());
        }
    }

    private void setStatus(State state, String message, TlsIdentity id, int port) {
        Status before = status;
        status = new Status(state, message, Instant.now(), id, port);
        if (before.state() != state || !before.message().equals(message)) {
            if (state == State.LISTENING) {
                LOG.info("Dashboard: listening on {}", message);
            } else {
                LOG.warn("Dashboard: {}: {}", state, message);
            }
        }
    }

    private void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public Status status() {
        return status;
    }

    public DashboardSettings settings() {
        return settings;
    }

    public HealthHub hub() {
        return hub;
    }

    public TelemetryPipeline telemetry() {
        return telemetry;
    }

    /** Open TCP connections of the server now (0 when not listening). */
    public synchronized int connections() {
        return server == null ? 0 : server.connections();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            stopServer();
            status = new Status(State.STOPPED, "stopped", Instant.now(), null, -1);
        }
        telemetry.close();
    }
}
