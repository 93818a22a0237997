package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.b4ae.internal.config.B4aeSettings;
import io.aethercore.b4ae.internal.metrics.B4aeMetrics;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped alert rules (monitoring/alerts.yml) against what a node really exposes: the engine's metrics are
 * scraped before and after a flood on real UDP (junk datagrams, INITs with a bad mac1, DATA records for unknown
 * sessions, and the cookie-holding Mode B INIT flood of issue 17 item 1); the measured per-second increase of
 * every series becomes a promtool input series, and {@code promtool test rules} must show HighDoSAttempts firing
 * and the other alerts quiet. A fresh node must expose every series the rules name, all quiet.
 */
class AlertsUnderFloodTest {

    private static final Path ALERTS = Path.of("../../monitoring/alerts.yml").toAbsolutePath().normalize();

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    /** name{labels} -> value, histogram buckets included. */
    static Map<String, Double> samples(String exposition) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
        }
        return m;
    }

    @Test
    void freshNodeExposesEverySeriesTheRulesNameAndAllIsQuiet(@TempDir Path dir) throws Exception {
        B4aeMetrics metrics = new B4aeMetrics();
        Map<String, Double> s = samples(metrics.scrape());
        for (String series : List.of("b4ae_dos_attempts_blocked_total{reason=\"junk\"}",
                "b4ae_dos_attempts_blocked_total{reason=\"rate\"}", "b4ae_dos_attempts_blocked_total{reason=\"mac1\"}",
                "b4ae_dos_attempts_blocked_total{reason=\"bad-mac\"}",
                "b4ae_handshakes_failed_total{mode=\"B\",reason=\"timeout\"}",
                "b4ae_handshake_duration_ms_count{mode=\"A\"}", "b4ae_handshake_duration_ms_count{mode=\"B\"}",
                "b4ae_queue_latency_ms")) {
            assertEquals(0.0, s.get(series), series + " exists from start with 0");
        }
        String out = promtoolTest(dir, s, s, 1.0, new TreeSet<>());
        assertTrue(out.contains("SUCCESS"), out);
    }

    @Test
    void floodFiresHighDoSAttemptsAndNothingElse(@TempDir Path dir) throws Exception {
        B4aeSettings.Builder sb = Nodes.settings();
        sb.maxPendingResponders(64);
        sb.underLoadInitsPerSecond(20);
        UdpTransport ta = nodes.track(new UdpTransport(new InetSocketAddress("127.0.0.1", 0)));
        UdpTransport tb = nodes.track(new UdpTransport(new InetSocketAddress("127.0.0.1", 0)));
        Nodes.Pair p = nodes.pair(ta, tb, Nodes.settings(), sb);
        B4aeMetrics metrics = new B4aeMetrics();
        p.bob().setObserver(metrics);
        p.alice().connect("bob", io.aethercore.api.b4ae.Mode.A); // a genuine session, before the flood
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, Double> before;
        Map<String, Double> after;
        double seconds;
        try (Attacker m = new Attacker(p.bobAddr(), Nodes.keys("bob").x25519(), sb.build().maxDatagram());
             DatagramSocket junk = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            m.sendInit();
            assertTrue(Await.until(m::hasCookie, 5000));
            Thread inits = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        m.sendInit();
                        Thread.sleep(2);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            before = samples(metrics.scrape());
            long t0 = System.nanoTime();
            inits.start();
            Random rnd = new Random(5);
            byte[] mac1Key = m.mac1Key();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            int i = 0;
            while (System.nanoTime() < deadline) {
                byte[] d = new byte[64 + rnd.nextInt(200)];
                rnd.nextBytes(d);
                switch (i++ % 3) {
                    case 0 -> d[0] = (byte) (7 + rnd.nextInt(200));              // junk: no such type
                    case 1 -> d[0] = Wire.T_DATA;                                 // a record for no session
                    default -> {                                                  // an INIT with a bad mac1
                        d[0] = Wire.T_INIT;
                        d[1] = 1;
                        d[2] = 0;
                        d[3] = 1;
                        Bytes.put32(d, 8, 0);
                        Bytes.put16(d, 12, d.length - Wire.HS_OVERHEAD);
                        Bytes.put16(d, 14, 0);
                    }
                }
                junk.send(new DatagramPacket(d, d.length, p.bobAddr()));
                if (i % 200 == 0) {
                    Thread.sleep(1);
                }
            }
            stop.set(true);
            inits.join(5000);
            Thread.sleep(300); // what is queued is processed
            seconds = (System.nanoTime() - t0) / 1e9;
            after = samples(metrics.scrape());
            assertTrue(mac1Key.length == 32);
        }
        // which DoS series the rule must see above 100/s: computed from the same numbers promtool gets
        TreeSet<String> firing = new TreeSet<>();
        for (Map.Entry<String, Double> e : after.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("b4ae_dos_attempts_blocked_total{")) {
                double rate = (e.getValue() - before.getOrDefault(k, 0.0)) / seconds;
                if (rate > 100) {
                    firing.add(k.substring(k.indexOf("reason=\"") + 8, k.lastIndexOf('"')));
                }
            }
        }
        assertTrue(firing.contains("junk") && firing.contains("mac1"), "junk and bad mac1 count as DoS: " + firing
                + "\n" + after);
        String out = promtoolTest(dir, before, after, seconds, firing);
        assertTrue(out.contains("SUCCESS"), out);
    }

    /**
     * Writes a promtool rule test: every series grows per minute by 60 x its measured per-second increase (gauges
     * stay at their value after the flood); at 10 m HighDoSAttempts fires for exactly {@code firing}, the other
     * alerts not at all.
     */
    static String promtoolTest(Path dir, Map<String, Double> before, Map<String, Double> after, double seconds,
                               TreeSet<String> firing) throws Exception {
        StringBuilder y = new StringBuilder();
        y.append("rule_files:\n  - ").append(ALERTS).append("\nevaluation_interval: 1m\ntests:\n")
                .append("  - interval: 1m\n    input_series:\n");
        for (Map.Entry<String, Double> e : after.entrySet()) {
            String k = e.getKey();
            double v0 = before.getOrDefault(k, 0.0);
            boolean counter = k.contains("_total") || k.contains("_bucket{") || k.contains("_count") || k.contains("_sum");
            String values = counter
                    ? String.format(Locale.ROOT, "%.3f+%.3fx20", v0, Math.max(0, (e.getValue() - v0) / seconds * 60))
                    : String.format(Locale.ROOT, "%.6fx20", e.getValue());
            y.append("      - series: '").append(k).append("'\n        values: '").append(values).append("'\n");
        }
        y.append("    alert_rule_test:\n");
        y.append("      - eval_time: 10m\n        alertname: HighDoSAttempts\n        exp_alerts:");
        if (firing.isEmpty()) {
            y.append(" []\n");
        } else {
            y.append("\n");
            for (String r : firing) {
                y.append("          - exp_labels:\n              severity: critical\n              reason: '")
                        .append(r).append("'\n            exp_annotations:\n              summary: \"High DoS attack rate\"\n");
            }
        }
        y.append("      - eval_time: 10m\n        alertname: HighHandshakeFailureRate\n        exp_alerts: []\n");
        y.append("      - eval_time: 10m\n        alertname: HighQueueLatency\n        exp_alerts: []\n");
        Path test = dir.resolve("alerts-test.yml");
        Files.writeString(test, y.toString());
        Process proc = new ProcessBuilder(List.of("promtool", "test", "rules", test.toString()))
                .redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, proc.exitValue(), "promtool test rules failed:\n" + out + "\n--- test file:\n" + y);
        return out;
    }

    static List<String> lines(String s) {
        return new ArrayList<>(List.of(s.split("\n")));
    }
}
