package io.aethercore.metrics.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.aethercore.api.metrics.MetricsFormat;
import io.aethercore.api.metrics.MetricsSource;
import io.aethercore.support.lifecycle.Workers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the registered {@link MetricsSource}s over HTTP or HTTPS with the JDK's {@code com.sun.net.httpserver}
 * (what Prometheus client_java's exporter uses too). {@code path} answers scrapes: OpenMetrics text when the
 * {@code Accept} header asks for it (a Prometheus server does), else the Prometheus text format; gzip when the
 * client accepts it. {@code /-/healthy} answers "Exporter is healthy.". Two threads ({@code
 * aethercore-metrics-http-<n>}, from {@link Workers}) answer requests; {@link #close()} stops them.
 */
public final class MetricsHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpServer.class);
    static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final Workers workers;
    private final boolean tls;
    private final String path;

    private MetricsHttpServer(HttpServer server, Workers workers, boolean tls, String path) {
        this.server = server;
        this.workers = workers;
        this.tls = tls;
        this.path = path;
    }

    /**
     * @param tls {@code null} for plain HTTP
     * @param sources read at every scrape
     * @throws IOException when the address cannot be bound (the message names it and the keys to change)
     */
    public static MetricsHttpServer start(String bindAddress, int port, String path, SSLContext tls,
                                          Supplier<? extends Collection<MetricsSource>> sources) throws IOException {
        Workers workers = Workers.create("metrics");
        ExecutorService ex = workers.pool("http", 2, 256);
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(bindAddress), port);
            HttpServer s;
            if (tls != null) {
                HttpsServer https = HttpsServer.create(address, 50);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                s = https;
            } else {
                s = HttpServer.create(address, 50);
            }
            s.createContext(path, exchange -> scrape(exchange, sources));
            s.createContext("/-/healthy", exchange -> respond(exchange, 200, "text/plain; charset=utf-8",
                    "Exporter is healthy.\n".getBytes(StandardCharsets.UTF_8), false));
            if (!path.equals("/")) {
                s.createContext("/", exchange -> respond(exchange, 200, "text/html; charset=utf-8",
                        ("<html><head><title>AetherCore metrics</title></head><body>The metrics path is <a href=\""
                                + path + "\">" + path + "</a>.</body></html>\n").getBytes(StandardCharsets.UTF_8), false));
            }
            s.setExecutor(ex);
            s.start();
            return new MetricsHttpServer(s, workers, tls != null, path);
        } catch (IOException e) {
            workers.close();
            throw new IOException("cannot serve metrics on " + bindAddress + ":" + port + " (" + e.getMessage()
                    + "): change monitoring.metrics_port or monitoring.metrics_bind_address", e);
        }
    }

    private static void scrape(HttpExchange exchange, Supplier<? extends Collection<MetricsSource>> sources)
            throws IOException {
        try {
            MetricsFormat format = formatFor(exchange.getRequestHeaders().getFirst("Accept"));
            byte[] body = exposition(sources.get(), format);
            String encoding = exchange.getRequestHeaders().getFirst("Accept-Encoding");
            respond(exchange, 200, format.contentType(), body, encoding != null && encoding.contains("gzip"));
        } finally {
            exchange.close();
        }
    }

    /** Every source's families in {@code format}; a source that fails is left out and logged. */
    static byte[] exposition(Collection<MetricsSource> sources, MetricsFormat format) {
        ByteArrayOutputStream all = new ByteArrayOutputStream(8192);
        for (MetricsSource source : sources) {
            ByteArrayOutputStream one = new ByteArrayOutputStream(4096);
            try {
                source.writeMetrics(one, format);
                one.writeTo(all);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Metrics source {} left out of this scrape: {}", source, e.toString());
            }
        }
        if (format == MetricsFormat.OPENMETRICS_TEXT) {
            all.writeBytes(EOF);
        }
        return all.toByteArray();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body, boolean gzip)
            throws IOException {
        try {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            if (gzip) {
                exchange.getResponseHeaders().set("Content-Encoding", "gzip");
                exchange.sendResponseHeaders(status, 0);
                try (OutputStream out = new GZIPOutputStream(exchange.getResponseBody())) {
                    out.write(body);
                }
            } else {
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } finally {
            exchange.close();
        }
    }

    /** An SSL context from a keystore file and a file holding its password (trailing newline ignored). */
    public static SSLContext sslContext(Path keystore, String type, Path passwordFile)
            throws IOException, GeneralSecurityException {
        char[] password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray();
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    public boolean tls() {
        return tls;
    }

    public String url(String host) {
        return (tls ? "https" : "http") + "://" + host + ":" + port() + path;
    }

    @Override
    public void close() {
        server.stop(0);
        workers.close();
    }

    /** The format to answer a request with this {@code Accept} header (null: none). */
    static MetricsFormat formatFor(String accept) {
        return accept != null && accept.contains("application/openmetrics-text")
                ? MetricsFormat.OPENMETRICS_TEXT : MetricsFormat.PROMETHEUS_TEXT;
    }
}
