package io.aethercore.b4ae.internal.metrics;

import com.sun.net.httpserver.HttpsConfigurator;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Serves a {@link PrometheusRegistry} over HTTP or HTTPS with client_java's {@link HTTPServer} (the JDK's
 * {@code com.sun.net.httpserver}). The scrape endpoint is {@code path}; two daemon threads answer scrapes.
 */
public final class MetricsExporter implements AutoCloseable {

    private final HTTPServer server;
    private final ExecutorService executor;
    private final boolean tls;
    private final String path;

    private MetricsExporter(HTTPServer server, ExecutorService executor, boolean tls, String path) {
        this.server = server;
        this.executor = executor;
        this.tls = tls;
        this.path = path;
    }

    /**
     * @param tls {@code null} for plain HTTP
     * @throws IOException when the address cannot be bound (the message names it)
     */
    public static MetricsExporter start(PrometheusRegistry registry, String bindAddress, int port, String path,
                                        SSLContext tls) throws IOException {
        ExecutorService ex = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "b4ae-metrics-http");
            t.setDaemon(true);
            return t;
        });
        HTTPServer.Builder b = HTTPServer.builder()
                .inetAddress(InetAddress.getByName(bindAddress))
                .port(port)
                .registry(registry)
                .metricsHandlerPath(path)
                .executorService(ex);
        if (tls != null) {
            b.httpsConfigurator(new HttpsConfigurator(tls));
        }
        try {
            return new MetricsExporter(b.buildAndStart(), ex, tls != null, path);
        } catch (IOException e) {
            ex.shutdownNow();
            throw new IOException("cannot serve B4AE metrics on " + bindAddress + ":" + port + " ("
                    + e.getMessage() + "): change monitoring.metrics_port or monitoring.metrics_bind_address", e);
        }
    }

    /**
     * An SSL context from a keystore file and a file holding its password (trailing newline ignored).
     */
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
        return server.getPort();
    }

    public boolean tls() {
        return tls;
    }

    public String url(String host) {
        return (tls ? "https" : "http") + "://" + host + ":" + port() + path;
    }

    @Override
    public void close() {
        server.close();
        executor.shutdownNow();
    }
}
