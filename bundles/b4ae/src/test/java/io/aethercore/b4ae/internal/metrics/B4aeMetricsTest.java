package io.aethercore.b4ae.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aethercore.b4ae.internal.padding.Padme;
import io.aethercore.b4ae.internal.scheduler.GlobalScheduler;
import io.aethercore.b4ae.internal.scheduler.OutboundMessage;
import io.aethercore.b4ae.internal.scheduler.SchedulerSettings;
import io.aethercore.b4ae.internal.scheduler.SlotSink;
import io.aethercore.metrics.internal.MetricsHttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.security.KeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class B4aeMetricsTest {

    static final Path MONITORING = Path.of("../../monitoring");

    /** Parses exposition text into "name{labels}" -> value. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> m = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
        }
        return m;
    }

    static String get(String url, SSLContext trust) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        if (c instanceof HttpsURLConnection h) {
            h.setSSLSocketFactory(trust.getSocketFactory());
            h.setHostnameVerifier((host, session) -> host.equals("localhost"));
        }
        assertEquals(200, c.getResponseCode());
        assertTrue(c.getContentType().startsWith("text/plain"), c.getContentType());
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String run(List<String> cmd, String stdin) throws Exception {
        return run(cmd, stdin, 0);
    }

    static String run(List<String> cmd, String stdin, int... okCodes) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        boolean ok = false;
        for (int c : okCodes) {
            ok |= p.exitValue() == c;
        }
        assertTrue(ok, String.join(" ", cmd) + " exited " + p.exitValue() + " and said:\n" + out);
        return out;
    }

    /** Metric names fixed by docs/b4ae-metadata.md ("Metrics") that promtool's linter flags (abbreviated units). */
    static final Set<String> DOCUMENT_NAMES_LINTED = Set.of("b4ae_handshake_duration_ms", "b4ae_queue_latency_ms",
            "b4ae_mode_b_handshakes_total");

    /**
     * promtool check metrics on our output: exit 0, or exit 3 (lint findings only, no format error) where
     * every finding is about a name the document imposes.
     */
    static void promtoolCheckMetrics(String text) throws Exception {
        String out = run(List.of("promtool", "check", "metrics"), text, 0, 3);
        assertTrue(out.contains("b4ae_queue_latency_ms metric names should not contain abbreviated units"),
                "promtool's output was read (it always flags this document name): " + out);
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String name = line.split(" ")[0];
            assertTrue(DOCUMENT_NAMES_LINTED.contains(name) && line.endsWith("should not contain abbreviated units"),
                    "promtool finding not explained by the document's names: " + line);
        }
    }

    /** Feeds a known set of events: the counters must show exactly these. */
    static void feed(B4aeMetrics m) {
        for (int i = 0; i < 7; i++) {
            m.handshakeStarted("A", true);
            m.handshakeCompleted("A", true, 12_000_000L);
        }
        for (int i = 0; i < 3; i++) {
            m.handshakeStarted("B", false);
            m.handshakeCompleted("B", false, 140_000_000L);
        }
        m.handshakeFailed("B", true, "signature");
        m.handshakeFailed("A", false, "timeout");
        m.handshakeFailed("A", false, "timeout");
        for (int i = 0; i < 5; i++) {
            m.cookieChallengeSent();
        }
        m.invalidCookie();
        m.invalidCookie();
        for (int i = 0; i < 11; i++) {
            m.dosAttemptBlocked("mac1");
        }
        m.dosAttemptBlocked("Replay!\n{x=\"y\"}");               // hostile-looking token is made a safe label
        for (int i = 0; i < 4; i++) {
            m.sessionOpened("A");
        }
        m.sessionOpened("B");
        m.sessionClosed("A");
        m.recordSent(1100, false);
        m.recordSent(1100, false);
        m.recordSent(1100, true);
        m.recordReceived(1100, true);
        m.datagramDropped("replay-window");
    }

    @Test
    void countersMatchTheEventsAndTheEndpointServesThem() throws Exception {
        B4aeMetrics m = new B4aeMetrics();
        feed(m);
        try (MetricsHttpServer ex = MetricsHttpServer.start("127.0.0.1", 0, "/metrics", null, () -> List.of(m))) {
            String text = get("http://127.0.0.1:" + ex.port() + "/metrics", null);
            Map<String, Double> v = parse(text);
            assertEquals(7.0, v.get("b4ae_mode_a_handshakes_total{role=\"initiator\"}"));
            assertEquals(3.0, v.get("b4ae_mode_b_handshakes_total{role=\"responder\"}"));
            assertEquals(5.0, v.get("b4ae_cookie_challenges_total"));
            assertEquals(2.0, v.get("b4ae_invalid_cookies_total"));
            assertEquals(11.0, v.get("b4ae_dos_attempts_blocked_total{reason=\"mac1\"}"));
            assertEquals(1.0, v.get("b4ae_dos_attempts_blocked_total{reason=\"replay___x__y__\"}"));
            assertEquals(2.0, v.get("b4ae_handshakes_failed_total{mode=\"A\",reason=\"timeout\"}"));
            assertEquals(1.0, v.get("b4ae_handshakes_failed_total{mode=\"B\",reason=\"signature\"}"));
            assertEquals(3.0, v.get("b4ae_sessions_active{mode=\"A\"}"));
            assertEquals(1.0, v.get("b4ae_sessions_active{mode=\"B\"}"));
            assertEquals(10.0, v.get("b4ae_handshakes_started_total{mode=\"A\",role=\"initiator\"}")
                    + v.get("b4ae_handshakes_started_total{mode=\"B\",role=\"responder\"}"));
            assertEquals(7.0, v.get("b4ae_handshake_duration_ms_count{mode=\"A\"}"));
            assertEquals(84.0, v.get("b4ae_handshake_duration_ms_sum{mode=\"A\"}"), 1e-9);
            assertEquals(7.0, v.get("b4ae_handshake_duration_ms_bucket{mode=\"A\",le=\"25.0\"}"));
            assertEquals(0.0, v.get("b4ae_handshake_duration_ms_bucket{mode=\"B\",le=\"100.0\"}"));
            assertEquals(2.0, v.get("b4ae_records_sent_total{kind=\"real\"}"));
            assertEquals(1100.0, v.get("b4ae_sent_bytes_total{kind=\"dummy\"}"));
            assertEquals(1.0, v.get("b4ae_records_received_total{kind=\"dummy\"}"));
            assertEquals(1.0 / 3, v.get("b4ae_dummy_ratio"), 1e-9);
            assertEquals(1.0, v.get("b4ae_datagrams_dropped_total{reason=\"replay-window\"}"));
            assertEquals(0.0, v.get("b4ae_queue_latency_ms"));
            assertTrue(text.contains("# TYPE b4ae_mode_a_handshakes_total counter")
                    || text.contains("# TYPE b4ae_mode_a_handshakes counter"), text);
            // promtool accepts our real output
            promtoolCheckMetrics(text);
        }
    }

    @Test
    void schedulerFeedsLatencyAndSlots() throws Exception {
        B4aeMetrics m = new B4aeMetrics();
        List<OutboundMessage> sent = new ArrayList<>();
        SlotSink sink = new SlotSink() {
            @Override
            public void emit(OutboundMessage message) {
                synchronized (sent) {
                    sent.add(message);
                }
            }

            @Override
            public boolean emitDummy(int paddedSize) {
                return true;
            }
        };
        SchedulerSettings s = SchedulerSettings.defaults().withRates(1000, 1.0, 4);
        GlobalScheduler g = new GlobalScheduler(s, sink, m, Padme.defaults()).start();
        m.attachScheduler(g::stats);
        for (int i = 0; i < 40; i++) {
            g.submit(new OutboundMessage("s", new byte[100], System.nanoTime()));
            Thread.sleep(3);
        }
        Thread.sleep(100);
        g.stop();
        Map<String, Double> v = parse(m.scrape());
        assertEquals(40.0, v.get("b4ae_scheduler_slots_total{outcome=\"real\"}"));
        assertEquals(40.0, v.get("b4ae_scheduler_queue_wait_seconds_count"));
        assertEquals((double) g.stats().dummiesSent(), v.get("b4ae_scheduler_slots_total{outcome=\"dummy\"}"));
        assertEquals((double) g.stats().latencyBreaches(), v.get("b4ae_scheduler_latency_breaches_total"));
        double p99 = v.get("b4ae_queue_latency_ms");
        assertTrue(p99 > 0 && p99 < 1000, "p99 " + p99);
        assertEquals(1000.0, v.get("b4ae_scheduler_slot_rate{profile=\"custom\"}"), 1e-6);
        promtoolCheckMetrics(m.scrape());
    }

    @Test
    void servesOverTlsAtTheConfiguredPath(@TempDir Path dir) throws Exception {
        Path ks = dir.resolve("metrics.p12");
        Path pw = dir.resolve("password");
        Files.writeString(pw, "changeit-b4ae\n");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "metrics", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", ks.toString(), "-storepass", "changeit-b4ae", "-keypass", "changeit-b4ae"), null);
        B4aeMetrics m = new B4aeMetrics();
        feed(m);
        SSLContext server = MetricsHttpServer.sslContext(ks, "PKCS12", pw);
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            trustStore.load(in, "changeit-b4ae".toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        try (MetricsHttpServer ex = MetricsHttpServer.start("127.0.0.1", 0, "/b4ae/metrics", server, () -> List.of(m))) {
            assertTrue(ex.url("localhost").startsWith("https://localhost:"));
            String text = get(ex.url("localhost"), client);
            assertEquals(5.0, parse(text).get("b4ae_cookie_challenges_total"));
            // plain HTTP on the TLS port gets no metrics
            HttpURLConnection plain = (HttpURLConnection) new URL("http://127.0.0.1:" + ex.port() + "/b4ae/metrics")
                    .openConnection();
            plain.setReadTimeout(3000);
            boolean refused;
            try {
                refused = plain.getResponseCode() != 200;
            } catch (IOException e) {
                refused = true;
            }
            assertTrue(refused);
        }
    }

    @Test
    void documentsAlertRulesPassPromtoolAndUseOurNames() throws Exception {
        Path alerts = MONITORING.resolve("alerts.yml");
        String out = run(List.of("promtool", "check", "rules", alerts.toString()), null);
        assertTrue(out.contains("SUCCESS: 3 rules found"), out);
        Set<String> exposed = exposedNames();
        for (String name : metricNames(Files.readString(alerts))) {
            assertTrue(exposed.contains(name), "alert uses " + name + " which we do not expose");
        }
    }

    @Test
    void grafanaDashboardHasTheDocumentsSixPanels() throws Exception {
        JsonNode d = new ObjectMapper().readTree(MONITORING.resolve("grafana/b4ae-v2-dashboard.json").toFile());
        JsonNode panels = d.get("panels");
        String[][] expected = {
            {"Mode Distribution", "piechart"}, {"DoS Protection", "timeseries"}, {"Session Metrics", "gauge"},
            {"Global Scheduler", "timeseries"}, {"Handshake Performance", "histogram"}, {"Throughput", "timeseries"},
        };
        assertEquals(6, panels.size());
        Set<String> exposed = exposedNames();
        for (int i = 0; i < 6; i++) {
            assertEquals(expected[i][0], panels.get(i).get("title").asText());
            assertEquals(expected[i][1], panels.get(i).get("type").asText());
            assertTrue(panels.get(i).get("targets").size() > 0);
            for (JsonNode t : panels.get(i).get("targets")) {
                for (String name : metricNames(t.get("expr").asText())) {
                    assertTrue(exposed.contains(name), expected[i][0] + " uses " + name + " which we do not expose");
                }
            }
        }
    }

    private static Set<String> metricNames(String text) {
        Set<String> names = new HashSet<>();
        Matcher mm = Pattern.compile("\\bb4ae_[a-z0-9_]+").matcher(text);
        while (mm.find()) {
            if (!mm.group().equals("b4ae_v2_alerts")) {
                names.add(mm.group());
            }
        }
        return names;
    }

    private static Set<String> exposedNames() {
        B4aeMetrics m = new B4aeMetrics();
        feed(m);
        Set<String> names = new HashSet<>();
        for (String key : parse(m.scrape()).keySet()) {
            int brace = key.indexOf('{');
            names.add(brace < 0 ? key : key.substring(0, brace));
        }
        return names;
    }
}
