package io.aethercore.dashboard.page;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import io.aethercore.dashboard.testing.TestPki;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small protocol-speaking stand-in for the dashboard bundle: Jetty 12 over TLS 1.3 serving the page's files
 * from {@code web/} on the class path, a minimal {@code /auth/session}, and a scripted {@code /mesh/health}
 * that sends a snapshot of its model on every connection and whatever deltas the test pushes.
 */
public final class PageFixture implements AutoCloseable {

    /** The policy the bundle's server sends with the page. */
    static final String CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    static final ObjectMapper JSON = JsonMapper.builder().build();

    final X509Certificate leaf;
    private final Server server;
    private final ServerConnector connector;

    /** Status {@code /auth/session} answers with (200 or 401). */
    volatile int sessionStatus = 200;
    /** Whether {@code /mesh/health} upgrades are accepted (false: 503, as while the bundle is being replaced). */
    volatile boolean acceptUpgrades = true;

    // the model the next snapshot is made of
    volatile String self = "node-1";
    volatile List<Map<String, Object>> nodes = List.of();
    volatile Map<String, Object> mesh = Map.of("state", "HEALTHY", "gospelSize", 42, "gospelRoot", "ab12cd34");
    volatile Map<String, Object> config = Map.of("updateHz", 1, "sweepHz", 10);

    final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();
    /** Every client frame received, with its receipt time. */
    final List<Received> received = new CopyOnWriteArrayList<>();
    /** Origin headers of POST requests. */
    final List<String> postOrigins = new CopyOnWriteArrayList<>();
    final AtomicLong connections = new AtomicLong();

    record Received(long at, JsonNode msg) {
        String type() {
            return msg.path("type").asString("");
        }
    }

    PageFixture() throws Exception {
        TestPki pki = new TestPki("Page test federation");
        KeyPair keys = TestPki.p256();
        leaf = pki.issue("localhost", keys.getPublic(), List.of("localhost", "127.0.0.1"));
        char[] pw = "changeit".toCharArray();
        KeyStore ks = pki.keyStore("dashboard", keys.getPrivate(), leaf, pw);

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(ks);
        tls.setKeyStorePassword("changeit");
        tls.setIncludeProtocols("TLSv1.3");

        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new SecureRequestCustomizer(false));
        connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, context, container -> {
            container.setIdleTimeout(Duration.ofMinutes(5));
            container.addMapping("/mesh/health", (req, resp, cb) -> {
                if (!acceptUpgrades) {
                    Response.writeError(req, resp, cb, 503);
                    return null;
                }
                return new Endpoint();
            });
        });
        ws.setHandler(new Files());
        context.setHandler(ws);
        server.setHandler(context);
        server.start();
    }

    String base() {
        return "https://localhost:" + connector.getLocalPort() + "/";
    }

    /** Sends to every open page connection: the fields given plus type, seq and t. */
    void send(String type, Map<String, Object> fields) {
        for (Endpoint e : endpoints) {
            e.send(type, fields);
        }
    }

    void delta(Map<String, Object> fields) {
        send("delta", fields);
    }

    /** A delta carrying only events. */
    @SafeVarargs
    final void events(Map<String, Object>... events) {
        delta(Map.of("events", List.of(events)));
    }

    static Map<String, Object> event(String type, String node, String detail) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("node", node);
        e.put("detail", detail);
        e.put("at", System.currentTimeMillis());
        return e;
    }

    static Map<String, Object> node(String id, String status, double trust, Long lastSeen, int lag, String attestation,
            boolean local) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("id", id);
        n.put("status", status);
        n.put("trust", trust);
        n.put("lastSeen", lastSeen);
        n.put("lag", lag);
        n.put("attestation", attestation);
        n.put("local", local);
        n.put("reachable", !"PURGED".equals(status));
        n.put("futureField", Map.of("ignored", true)); // unknown fields are ignored by the page
        return n;
    }

    /** Closes every page connection from the server side (as a bundle update does). */
    void closeAll() {
        for (Endpoint e : endpoints) {
            e.session.close(1001, "bundle stopping", org.eclipse.jetty.websocket.api.Callback.NOOP);
        }
    }

    List<Received> received(String type) {
        List<Received> out = new ArrayList<>();
        for (Received r : received) {
            if (r.type().equals(type)) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception { // NOPMD
        server.stop();
    }

    /** One page connection (public: Jetty reaches its methods through method handles). */
    public final class Endpoint implements Session.Listener.AutoDemanding {
        volatile Session session;
        private long seq;

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
            connections.incrementAndGet();
            endpoints.add(this);
            Map<String, Object> snap = new LinkedHashMap<>();
            snap.put("self", self);
            snap.put("operator", "test");
            snap.put("mesh", mesh);
            snap.put("config", config);
            snap.put("nodes", nodes);
            snap.put("unknownTopLevel", 1);
            send("snapshot", snap);
        }

        synchronized void send(String type, Map<String, Object> fields) {
            Session s = session;
            if (s == null || !s.isOpen()) {
                return;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type);
            if (!type.equals("resync")) {
                m.put("seq", seq++);
                m.put("t", System.currentTimeMillis());
            }
            m.putAll(fields);
            s.sendText(JSON.writeValueAsString(m), org.eclipse.jetty.websocket.api.Callback.NOOP);
        }

        @Override
        public void onWebSocketText(String text) {
            JsonNode msg = JSON.readTree(text);
            received.add(new Received(System.currentTimeMillis(), msg));
            if ("ping".equals(msg.path("type").asString(""))) {
                synchronized (this) {
                    session.sendText("{\"type\":\"pong\",\"t\":" + msg.path("t").asLong() + ",\"server\":"
                            + System.currentTimeMillis() + "}", org.eclipse.jetty.websocket.api.Callback.NOOP);
                }
            }
        }

        @Override
        public void onWebSocketClose(int status, String reason, org.eclipse.jetty.websocket.api.Callback callback) {
            endpoints.remove(this);
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            endpoints.remove(this);
        }
    }

    /** The page's static files, the session probe and a refusing login. */
    private final class Files extends Handler.Abstract {
        private static final Map<String, String> TYPES = Map.of(
                "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
                "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws IOException {
            String path = Request.getPathInContext(request);
            response.getHeaders().put("Content-Security-Policy", CSP);
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            if ("POST".equals(request.getMethod())) {
                postOrigins.add(String.valueOf(request.getHeaders().get(HttpHeader.ORIGIN)));
            }
            if (path.equals("/auth/session")) {
                if (sessionStatus == 200) {
                    return json(response, callback, 200,
                            "{\"operator\":\"test\",\"expires\":" + (System.currentTimeMillis() + 3_600_000) + "}");
                }
                return json(response, callback, sessionStatus, "{\"error\":\"no session\"}");
            }
            if (path.equals("/auth/login/options")) {
                return json(response, callback, 404, "{\"error\":\"unknown operator <b>x</b>\"}");
            }
            if (path.equals("/auth/logout")) {
                response.setStatus(204);
                callback.succeeded();
                return true;
            }
            String name = path.equals("/") ? "index.html" : path.substring(1);
            if (name.contains("..") || name.contains("/") || !name.contains(".")) {
                Response.writeError(request, response, callback, 404);
                return true;
            }
            byte[] body;
            try (InputStream in = PageFixture.class.getClassLoader().getResourceAsStream("web/" + name)) {
                if (in == null) {
                    Response.writeError(request, response, callback, 404);
                    return true;
                }
                body = in.readAllBytes();
            }
            String ext = name.substring(name.lastIndexOf('.') + 1);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, TYPES.getOrDefault(ext, "application/octet-stream"));
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }

        private boolean json(Response response, Callback callback, int status, String body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }
}
