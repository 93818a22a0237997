package io.aethercore.dashboard.auth;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

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
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import io.aethercore.dashboard.testing.TestPki;

/**
 * A Jetty 12 server on a free port, TLS 1.3 only, with a certificate for localhost/127.0.0.1 issued under a
 * throw-away root, serving {@link AuthHandler} and the test page {@code login-test.html} at {@code /}.
 */
final class TlsLoginServer implements AutoCloseable {

    final TestPki pki;
    final X509Certificate leaf;
    final OperatorAuth auth;
    final RecordingAudit audit = new RecordingAudit();
    private final Server server;
    private final int port;

    private final String host;

    TlsLoginServer(Path store) throws Exception {
        this(store, "localhost");
    }

    /**
     * @param host the dashboard's host name: the certificate's name, the WebAuthn RP ID and the origin's host (a
     *        browser reaches a name other than localhost through {@code --host-resolver-rules})
     */
    TlsLoginServer(Path store, String host) throws Exception {
        this.host = host;
        pki = new TestPki("aether-test-root");
        KeyPair keys = TestPki.p256();
        leaf = pki.issue(host, keys.getPublic(), List.of(host, "localhost", "127.0.0.1"));
        char[] pw = "test-only".toCharArray();
        KeyStore ks = pki.keyStore("dashboard", keys.getPrivate(), leaf, pw);

        server = new Server();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(ks);
        ssl.setKeyStorePassword(new String(pw));
        ssl.setIncludeProtocols("TLSv1.3");
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        // the origin is known only once the port is: bind first, then build the engine with it
        connector.open();
        port = connector.getLocalPort();
        auth = new OperatorAuth(store, host, "AetherCore test", Set.of(origin()), Clock.systemUTC(),
                new SecureRandom(), audit, Duration.ofMinutes(15), Duration.ofMinutes(15));
        server.setHandler(new Handler.Sequence(new AuthHandler(auth), new Page()));
        server.start();
    }

    String origin() {
        return "https://" + host + ":" + port;
    }

    /** Maps the host name to the loopback address in Chromium. */
    String hostResolverRule() {
        return "--host-resolver-rules=MAP " + host + " 127.0.0.1";
    }

    URI uri(String path) {
        return URI.create("https://localhost:" + port + path);
    }

    /** A Java HTTP client that trusts the test root (for requests a browser cannot forge, like a foreign Origin). */
    HttpClient client() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", pki.root);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    }

    HttpResponse<String> post(String path, String origin, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (origin != null) {
            b.header("Origin", origin);
        }
        return client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** Serves the test page at {@code /}. */
    private static final class Page extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws IOException {
            if (!"/".equals(Request.getPathInContext(request))) {
                return false;
            }
            byte[] html;
            try (InputStream in = TlsLoginServer.class.getResourceAsStream("login-test.html")) {
                html = in.readAllBytes();
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
            response.write(true, java.nio.ByteBuffer.wrap(html), callback);
            return true;
        }
    }
}
