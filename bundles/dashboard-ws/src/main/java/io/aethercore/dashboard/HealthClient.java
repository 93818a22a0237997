package io.aethercore.dashboard;

import java.net.URI;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A {@code /mesh/health} client over WSS that trusts only the federation roots it is given: what
 * {@code aether:load-test} measures with, and what the protocol tests drive. It keeps the messages it receives
 * (unless told to only measure telemetry), and it can stop reading to play a slow consumer.
 */
public final class HealthClient implements AutoCloseable {

    /** A received message with its receipt time (microseconds, {@link TelemetryPipeline#nowMicros()} clock). */
    public record Received(String text, long atMicros) {
    }

    private final Connector owned;
    private final Listener listener = new Listener();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicBoolean reading = new AtomicBoolean(true);
    private final AtomicBoolean pendingDemand = new AtomicBoolean();
    private final AtomicLong frames = new AtomicLong();
    private volatile boolean keep = true;
    private volatile LongConsumer latencySink;
    private volatile String latencyMetric = "";
    private volatile Session session;
    private volatile int closeCode = -1;

    private HealthClient(Connector owned) {
        this.owned = owned;
    }

    /**
     * One HTTP/WebSocket client stack (selector, thread pool, TLS context trusting only the given roots) shared
     * by several connections: what the load test's clients use, so that ten measuring clients do not bring ten
     * thread pools onto the cores they measure.
     */
    public static final class Connector implements AutoCloseable {
        private final HttpClient http;
        private final WebSocketClient ws;

        public Connector(List<X509Certificate> roots) throws Exception {
            SslContextFactory.Client ssl = new SslContextFactory.Client();
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate r : roots) {
                trust.setCertificateEntry("root-" + i++, r);
            }
            ssl.setTrustStore(trust);
            ssl.setIncludeProtocols("TLSv1.3");
            ssl.setEndpointIdentificationAlgorithm("HTTPS");
            ClientConnector cc = new ClientConnector();
            cc.setSslContextFactory(ssl);
            http = new HttpClient(new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(cc));
            ws = new WebSocketClient(http);
            ws.setMaxTextMessageSize(4 << 20);
            ws.start();
        }

        /**
         * Connects one client.
         *
         * @param uri {@code wss://host:port/mesh/health}
         * @param origin the Origin header to send (null: none)
         * @param sessionCookie the {@code aether_session} value (null: none)
         * @throws Exception with the server's refusal (e.g. an upgrade answered 401 or 403), or a TLS failure
         */
        public HealthClient connect(URI uri, String origin, String sessionCookie, Duration timeout) throws Exception {
            return open(this, null, uri, origin, sessionCookie, timeout);
        }

        @Override
        public void close() {
            try {
                ws.stop();
                http.stop();
            } catch (Exception e) {
                // closing anyway
            }
        }
    }

    /**
     * Connects with a client stack of its own (closed with the client).
     *
     * @param roots the certificates the server must chain to
     * @see Connector#connect
     */
    public static HealthClient connect(URI uri, List<X509Certificate> roots, String origin, String sessionCookie,
            Duration timeout) throws Exception {
        Connector own = new Connector(roots);
        return open(own, own, uri, origin, sessionCookie, timeout);
    }

    private static HealthClient open(Connector via, Connector owned, URI uri, String origin, String sessionCookie,
            Duration timeout) throws Exception {
        HealthClient c = new HealthClient(owned);
        try {
            ClientUpgradeRequest req = new ClientUpgradeRequest(uri);
            if (origin != null) {
                req.setHeader("Origin", origin);
            }
            if (sessionCookie != null) {
                req.setHeader("Cookie", "aether_session=" + sessionCookie);
            }
            c.session = via.ws.connect(c.listener, req).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    /**
     * Stops keeping messages; instead the emit-to-receipt latency (µs) of every telemetry sample of {@code metric}
     * goes to {@code sink}.
     */
    public void measureOnly(String metric, LongConsumer sink) {
        latencyMetric = "\"" + metric + "\"";
        latencySink = sink;
        keep = false;
    }

    public void send(String json) {
        Session s = session;
        if (s != null) {
            s.sendText(json, Callback.NOOP);
        }
    }

    /** Stops reading frames (the TCP window fills and the server must hold back). */
    public void pause() {
        reading.set(false);
    }

    /** Reads again. */
    public void resume() {
        reading.set(true);
        if (pendingDemand.compareAndSet(true, false)) {
            session.demand();
        }
    }

    /** The next message, or null after the timeout. */
    public Received next(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next message whose {@code "type"} is {@code type} (others are skipped), or null after the timeout. */
    public Received next(String type, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        String marker = "\"type\":\"" + type + "\"";
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Received r = received.poll(left, TimeUnit.NANOSECONDS);
            if (r != null && r.text().startsWith("{" + marker)) {
                return r;
            }
        }
    }

    public long frames() {
        return frames.get();
    }

    public boolean isOpen() {
        Session s = session;
        return s != null && s.isOpen();
    }

    /** The close code the server sent, or -1 while open. */
    public int closeCode() {
        return closeCode;
    }

    @Override
    public void close() {
        try {
            Session s = session;
            if (s != null && s.isOpen()) {
                s.close(1000, "bye", Callback.NOOP);
            }
        } finally {
            if (owned != null) {
                owned.close();
            }
        }
    }

    /**
     * Scans a telemetry frame: for each batch, its {@code "e0"}, the index of {@code quotedMetric} in its metric
     * dictionary, and in its {@code "s"} array the emit offset (fourth number) of each sample of that metric,
     * without building objects.
     */
    static void latencies(String text, String quotedMetric, long nowMicros, LongConsumer sink) {
        int i = 0;
        while ((i = text.indexOf("{\"e0\":", i)) >= 0) {
            i += 6;
            long e0 = 0;
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
                e0 = e0 * 10 + (text.charAt(i++) - '0');
            }
            int m = text.indexOf("\"metrics\":[", i);
            int s = text.indexOf("\"s\":[", i);
            if (m < 0 || s < 0) {
                return;
            }
            int wanted = -1;
            int idx = 0;
            int j = m + 11;
            while (j < s && text.charAt(j) != ']') {
                if (text.startsWith(quotedMetric, j)) {
                    wanted = idx;
                }
                int next = text.indexOf(',', j);
                int end = text.indexOf(']', j);
                if (next < 0 || next > end) {
                    break;
                }
                j = next + 1;
                idx++;
            }
            i = s + 5;
            int field = 0;
            long metric = 0;
            long v = 0;
            while (i < text.length()) {
                char c = text.charAt(i++);
                if (c == ',' || c == ']') {
                    if (field == 1) {
                        metric = v;
                    } else if (field == 3 && metric == wanted) {
                        sink.accept(nowMicros - (e0 + v));
                    }
                    field = (field + 1) & 3;
                    v = 0;
                    if (c == ']') {
                        break;
                    }
                } else if ((field == 1 || field == 3) && c >= '0' && c <= '9') {
                    v = v * 10 + (c - '0');
                }
            }
        }
    }

    /** Public: Jetty binds listener methods through public method handles. */
    public final class Listener implements Session.Listener {
        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
            s.demand();
        }

        @Override
        public void onWebSocketText(String text) {
            long at = TelemetryPipeline.nowMicros();
            frames.incrementAndGet();
            LongConsumer sink = latencySink;
            if (sink != null && text.startsWith("{\"type\":\"telemetry\"")) {
                latencies(text, latencyMetric, at, sink);
            }
            if (keep) {
                received.add(new Received(text, at));
            }
            if (reading.get()) {
                session.demand();
            } else {
                pendingDemand.set(true);
                if (reading.get() && pendingDemand.compareAndSet(true, false)) {
                    session.demand();
                }
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            closeCode = statusCode;
        }
    }
}
