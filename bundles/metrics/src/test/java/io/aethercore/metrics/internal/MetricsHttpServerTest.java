package io.aethercore.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.metrics.MetricsFormat;
import io.aethercore.api.metrics.MetricsSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The endpoint serves every source, in the format the scrape asks for. */
class MetricsHttpServerTest {

    static MetricsSource source(String prefix) {
        return (out, format) -> out.write(("# HELP " + prefix + "_things Things\n# TYPE " + prefix + "_things gauge\n"
                + prefix + "_things{format=\"" + format.name() + "\"} 1.0\n").getBytes(StandardCharsets.UTF_8));
    }

    static String get(String url, String accept, boolean gzip) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        if (accept != null) {
            c.setRequestProperty("Accept", accept);
        }
        if (gzip) {
            c.setRequestProperty("Accept-Encoding", "gzip");
        }
        assertEquals(200, c.getResponseCode());
        try (InputStream in = gzip ? new GZIPInputStream(c.getInputStream()) : c.getInputStream()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return c.getContentType() + "\n" + body;
        }
    }

    @Test
    void servesEverySourceInTheAskedFormat() throws Exception {
        List<MetricsSource> sources = new CopyOnWriteArrayList<>();
        sources.add(source("one"));
        sources.add((out, format) -> {
            throw new IOException("broken source");
        });
        try (MetricsHttpServer s = MetricsHttpServer.start("127.0.0.1", 0, "/metrics", null, () -> sources)) {
            String url = s.url("127.0.0.1");
            assertEquals("http://127.0.0.1:" + s.port() + "/metrics", url);
            String text = get(url, null, false);
            assertTrue(text.startsWith("text/plain; version=0.0.4; charset=utf-8\n"), text);
            assertTrue(text.contains("one_things{format=\"PROMETHEUS_TEXT\"} 1.0\n"), text);
            assertFalse(text.contains("# EOF"), text);

            sources.add(source("two"));           // a source registered later is served from the next scrape
            String om = get(url, "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5", true);
            assertTrue(om.startsWith("application/openmetrics-text; version=1.0.0; charset=utf-8\n"), om);
            assertTrue(om.contains("one_things{format=\"OPENMETRICS_TEXT\"} 1.0\n")
                    && om.contains("two_things{format=\"OPENMETRICS_TEXT\"} 1.0\n"), om);
            assertTrue(om.endsWith("# EOF\n") && om.indexOf("# EOF") == om.lastIndexOf("# EOF"), om);

            assertTrue(get("http://127.0.0.1:" + s.port() + "/-/healthy", null, false).endsWith("Exporter is healthy.\n"));
        }
    }

    @Test
    void settingsAreValidatedWithTheirKeys() {
        assertEquals(List.of(), MetricsSettings.defaults().problems());
        MetricsSettings bad = new MetricsSettings(true, 70_000, "metrics", "", true, "", "PEM", "");
        String all = String.join("\n", bad.problems());
        for (String key : new String[] {"monitoring.metrics_port", "monitoring.metrics_path",
                "monitoring.metrics_bind_address", "monitoring.tls_keystore_type", "monitoring.tls_enabled"}) {
            assertTrue(all.contains(key), all);
        }
    }

    @Test
    void componentPublishesWhereItServesOrWhyNot() throws Exception {
        MetricsComponent c = new MetricsComponent(new MetricsSettings(true, 0, "/metrics", "127.0.0.1", false, "",
                "PKCS12", ""));
        try {
            c.addSource(source("b4ae"));
            assertTrue(c.status().startsWith("http://127.0.0.1:"), c.status());
            assertEquals(c.status(), c.url().orElseThrow());
            assertTrue(get(c.status(), null, false).contains("b4ae_things"));
        } finally {
            c.close();
        }
        MetricsComponent off = new MetricsComponent(new MetricsSettings(false, 9090, "/metrics", "127.0.0.1", false,
                "", "PKCS12", ""));
        assertEquals("disabled (monitoring.metrics_enabled = false)", off.status());
        assertTrue(off.url().isEmpty());
        // the port is taken: the status says so and names the keys to change
        try (MetricsHttpServer taken = MetricsHttpServer.start("127.0.0.1", 0, "/metrics", null, List::of)) {
            MetricsComponent clash = new MetricsComponent(new MetricsSettings(true, taken.port(), "/metrics",
                    "127.0.0.1", false, "", "PKCS12", ""));
            assertTrue(clash.status().startsWith("not serving: cannot serve metrics on 127.0.0.1:" + taken.port()),
                    clash.status());
            assertTrue(clash.status().contains("monitoring.metrics_port"), clash.status());
        }
        assertEquals(MetricsFormat.OPENMETRICS_TEXT, MetricsHttpServer.formatFor("application/openmetrics-text"));
    }
}
