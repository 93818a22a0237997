package io.aethercore.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
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
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS/WSS server: embedded Jetty 12 (core handlers, no servlets) with one TLS 1.3 connector. Routes:
 * the health WebSocket, {@code /auth/*} (operator login), {@code /genesis-bundle.bin} (the authority's bundle,
 * to mutual-TLS clients only), and the page's static files from this bundle. Every answer carries strict
 * security headers (HSTS, CSP, no framing, no sniffing, no referrer).
 */
public final class DashboardServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    private static final Pattern STATIC = Pattern.compile("/[a-z0-9][a-z0-9-]{0,63}\\.(html|js|css|svg|ico|png)");
    static final String CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /** An operator's login: who, and until when (the WebSocket is closed when it expires). */
    public record Login(String operator, java.time.Instant expires) {
    }

    /** Who the operator of a request is (a valid session), if anyone. */
    @FunctionalInterface
    public interface Authenticator {
        Optional<Login> login(Request request);
    }

    /** Told of each genesis bundle fetch (to audit it). */
    @FunctionalInterface
    public interface GenesisListener {
        void fetched(String clientSubject, String remote, boolean served);
    }

    private final DashboardSettings settings;
    private final Server server;
    private final ServerConnector connector;
    private final HealthHub hub;
    private final Authenticator authenticator;
    private final Map<String, byte[]> staticCache = new ConcurrentHashMap<>();
    private final ClassLoader web;

    /**
     * @param auth the {@code /auth/*} handler (returns false for other paths), or null
     * @param genesis the genesis bundle this node serves (the authority's), if any
     */
    public DashboardServer(DashboardSettings settings, TlsIdentity tls, HealthHub hub, Handler auth,
            Authenticator authenticator, Supplier<Optional<byte[]>> genesis, GenesisListener genesisListener,
            ClassLoader web) {
        this.settings = settings;
        this.hub = hub;
        this.authenticator = authenticator;
        this.web = web;
        QueuedThreadPool pool = new QueuedThreadPool(32, 4);
        pool.setName("aethercore-dashboard");
        pool.setDaemon(true);
        server = new Server(pool);
        server.setStopTimeout(2000);

        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore());
        ssl.setKeyStorePassword(new String(tls.password()));
        ssl.setKeyManagerPassword(new String(tls.password()));
        ssl.setIncludeProtocols("TLSv1.3");
        ssl.setExcludeProtocols("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2");
        ssl.setEndpointIdentificationAlgorithm(null);
        ssl.setSniRequired(false);
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate r : tls.roots()) {
                trust.setCertificateEntry("root-" + i++, r);
            }
            ssl.setTrustStore(trust);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the trust store of federation roots", e);
        }
        // a client certificate is asked for but optional: browsers log in with WebAuthn, mTLS clients
        // (the genesis bundle fetch) present one issued under the federation root
        ssl.setWantClientAuth(true);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        SecureRequestCustomizer src = new SecureRequestCustomizer(false, false, Duration.ofDays(365).toSeconds(), false);
        http.addCustomizer(src);
        connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost(settings.bindAddress());
        connector.setPort(settings.port());
        connector.setIdleTimeout(60_000);
        server.addConnector(connector);

        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, context, container -> {
            container.setMaxTextMessageSize(64 * 1024);
            container.setMaxBinaryMessageSize(1024);
            container.setIdleTimeout(Duration.ofSeconds(60));
            container.addMapping(settings.wsPath(), (req, resp, cb) -> {
                if (!originAllowed(req, req.getHeaders().get(HttpHeader.ORIGIN))) {
                    Response.writeError(req, resp, cb, 403, "origin not allowed");
                    return null;
                }
                Optional<Login> op = authenticator.login(req);
                if (op.isEmpty()) {
                    // RFC 9110 asks a 401 to name a scheme: the session comes from the WebAuthn login
                    resp.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Session realm=\"AetherCore dashboard\"");
                    Response.writeError(req, resp, cb, 401, "log in first (no valid operator session)");
                    return null;
                }
                if (hub.clientCount() >= settings.maxClients()) {
                    Response.writeError(req, resp, cb, 503, "too many dashboard connections");
                    return null;
                }
                return new HubClient(hub, op.get().operator(), op.get().expires(),
                        String.valueOf(req.getConnectionMetaData().getRemoteSocketAddress()));
            });
        });
        Handler.Sequence routes = new Handler.Sequence();
        routes.addHandler(new OriginGuard());
        if (auth != null) {
            routes.addHandler(auth);
        }
        routes.addHandler(new GenesisHandler(genesis, genesisListener, tls));
        routes.addHandler(new StaticHandler());
        ws.setHandler(routes);
        context.setHandler(ws);
        server.setHandler(new SecurityHeaders(context));
    }

    boolean originAllowed(Request req, String origin) {
        if (origin == null) {
            return false;
        }
        if (settings.origins().contains(origin)) {
            return true;
        }
        String host = req.getHeaders().get(HttpHeader.HOST);
        return host != null && origin.equals("https://" + host);
    }

    public void start() throws DashboardException {
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // already failing
            }
            throw new DashboardException("the dashboard cannot listen on " + settings.bindAddress() + ":"
                    + settings.port() + ": " + e.getMessage(), e);
        }
        LOG.info("Dashboard listening on https://{}:{} (TLS 1.3), health WebSocket {}", settings.bindAddress(), port(),
                settings.wsPath());
    }

    /** The port actually bound (differs from the setting when that is 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public HealthHub hub() {
        return hub;
    }

    /** Number of open TCP connections (for leak checks). */
    public int connections() {
        return connector.getConnectedEndPoints().size();
    }

    @Override
    public void close() {
        hub.closeAll(1001, "dashboard stopping");
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Dashboard: stopping Jetty: {}", e.toString());
        }
    }

    /** Refuses state-changing requests whose Origin is not the dashboard's own (CSRF), and the WS upgrade too. */
    private final class OriginGuard extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String m = request.getMethod();
            boolean upgrade = "websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeader.UPGRADE));
            if ((upgrade || !m.equals("GET") && !m.equals("HEAD"))
                    && !originAllowed(request, request.getHeaders().get(HttpHeader.ORIGIN))) {
                writeJsonError(response, callback, 403, "origin not allowed");
                return true;
            }
            return false;
        }
    }

    /** GET /genesis-bundle.bin to clients whose certificate (checked by TLS against the roots) is present. */
    private static final class GenesisHandler extends Handler.Abstract {
        private final Supplier<Optional<byte[]>> genesis;
        private final GenesisListener listener;
        private final TlsIdentity tls;

        GenesisHandler(Supplier<Optional<byte[]>> genesis, GenesisListener listener, TlsIdentity tls) {
            this.genesis = genesis;
            this.listener = listener;
            this.tls = tls;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!Request.getPathInContext(request).equals("/genesis-bundle.bin")) {
                return false;
            }
            String remote = String.valueOf(request.getConnectionMetaData().getRemoteSocketAddress());
            if (!request.getMethod().equals("GET")) {
                writeJsonError(response, callback, 405, "GET only");
                return true;
            }
            EndPoint.SslSessionData sd = (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
            X509Certificate[] peer = sd == null ? null : sd.peerCertificates();
            if (peer == null || peer.length == 0) {
                listener.fetched("(no client certificate)", remote, false);
                writeJsonError(response, callback, 403,
                        "the genesis bundle is served over mutual TLS only: present a certificate issued by the federation root");
                return true;
            }
            String subject = peer[0].getSubjectX500Principal().getName();
            try {
                TlsIdentity.verify(peer, tls.roots());
            } catch (DashboardException e) {
                listener.fetched(subject, remote, false);
                writeJsonError(response, callback, 403, e.getMessage());
                return true;
            }
            Optional<byte[]> bundle = genesis.get();
            if (bundle.isEmpty()) {
                listener.fetched(subject, remote, false);
                writeJsonError(response, callback, 404, "this node serves no genesis bundle (it is not the Federation"
                        + " Authority, or no bundle is configured)");
                return true;
            }
            listener.fetched(subject, remote, true);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap(bundle.get()), callback);
            return true;
        }
    }

    /** The page: allow-listed file names from {@code web/} in this bundle. */
    private final class StaticHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws IOException {
            String path = Request.getPathInContext(request);
            if (path.equals("/")) {
                path = "/index.html";
            }
            if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
                writeJsonError(response, callback, 405, "method not allowed");
                return true;
            }
            if (!STATIC.matcher(path).matches()) {
                writeJsonError(response, callback, 404, "not found");
                return true;
            }
            byte[] body = staticCache.get(path);
            if (body == null) {
                try (InputStream in = web.getResourceAsStream("web" + path)) {
                    if (in == null) {
                        writeJsonError(response, callback, 404, "not found");
                        return true;
                    }
                    body = in.readAllBytes();
                }
                if (path.equals("/index.html")) {
                    // the page reads the WebSocket path (websocket.url) from its meta tag; the path is validated
                    // to [A-Za-z0-9._~/-], so it needs no escaping in an attribute
                    body = new String(body, StandardCharsets.UTF_8).replace(
                            "<meta name=\"aether-ws-path\" content=\"/mesh/health\">",
                            "<meta name=\"aether-ws-path\" content=\"" + settings.wsPath() + "\">")
                            .getBytes(StandardCharsets.UTF_8);
                }
                staticCache.put(path, body);
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType(path));
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            if (request.getMethod().equals("HEAD")) {
                callback.succeeded();
            } else {
                response.write(true, ByteBuffer.wrap(body), callback);
            }
            return true;
        }
    }

    static String contentType(String path) {
        String ext = path.substring(path.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            default -> "image/x-icon";
        };
    }

    static void writeJsonError(Response response, Callback callback, int status, String message) {
        StringBuilder b = new StringBuilder("{\"error\":");
        Json.string(b, message).append('}');
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** Security headers on every answer. */
    private static final class SecurityHeaders extends Handler.Wrapper {
        SecurityHeaders(Handler next) {
            super(next);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            var h = response.getHeaders();
            h.put("Content-Security-Policy", CSP);
            h.put("X-Content-Type-Options", "nosniff");
            h.put("X-Frame-Options", "DENY");
            h.put("Referrer-Policy", "no-referrer");
            h.put("Cross-Origin-Opener-Policy", "same-origin");
            h.put("Cross-Origin-Resource-Policy", "same-origin");
            if (super.handle(request, response, callback)) {
                return true;
            }
            writeJsonError(response, callback, 404, "not found");
            return true;
        }
    }
}
