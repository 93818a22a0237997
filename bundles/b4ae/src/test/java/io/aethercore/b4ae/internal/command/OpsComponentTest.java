package io.aethercore.b4ae.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.b4ae.internal.config.B4aeConfigException;
import io.aethercore.b4ae.internal.metrics.B4aeOpsComponent;
import io.aethercore.b4ae.internal.scheduler.OutboundMessage;
import io.aethercore.b4ae.internal.scheduler.SlotSink;
import io.aethercore.metrics.internal.MetricsComponent;
import io.aethercore.metrics.internal.MetricsSettings;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OpsComponentTest {

    private static String capture(java.util.function.Consumer<PrintStream> body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        body.accept(new PrintStream(b, true, StandardCharsets.UTF_8));
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void componentServesMetricsReconfiguresInPlaceAndTheCommandsShowIt() throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put("monitoring.metrics_port", "0");
        props.put("global_scheduler.profile", "high_security");
        B4aeOpsComponent c = new B4aeOpsComponent(null, props, Map.of("B4AE_DUMMY_RATE", "0.0"));
        // the platform metrics endpoint, as the metrics bundle runs it, serving this component's metrics
        MetricsComponent endpoint = new MetricsComponent(new MetricsSettings(true, 0, "/metrics", "127.0.0.1", false,
                "", "PKCS12", ""));
        endpoint.addSource(c.metrics());
        c.setMetricsEndpoint(endpoint);
        try {
            assertEquals(10.0, c.schedulerSettings().targetRate());
            assertEquals(0.0, c.schedulerSettings().dummyRate(), "env beats the preset");
            assertTrue(c.metricsEndpoint().startsWith("http://127.0.0.1:"), c.metricsEndpoint());
            c.metrics().cookieChallengeSent();
            try (InputStream in = new URL(c.metricsEndpoint()).openStream()) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(text.contains("b4ae_cookie_challenges_total 1.0"), text);
            }
            // no core bound yet: messages wait
            for (int i = 0; i < 5; i++) {
                c.scheduler().submit(new OutboundMessage("s", new byte[10], System.nanoTime()));
            }
            // an invalid change is refused and the running configuration stays
            Map<String, Object> bad = new HashMap<>(props);
            bad.put("global_scheduler.target_rate", "0");
            invokeModified(c, bad);
            assertEquals(10.0, c.schedulerSettings().targetRate());
            // a valid change applies in place, queued messages kept
            Map<String, Object> good = new HashMap<>(props);
            good.put("global_scheduler.profile", "low_overhead");
            invokeModified(c, good);
            assertEquals(1000.0, c.schedulerSettings().targetRate());
            assertEquals(5, c.scheduler().queueDepth());
            List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
            c.setSlotSink(new SlotSink() {
                @Override
                public void emit(OutboundMessage message) {
                    sent.add(message);
                }

                @Override
                public boolean emitDummy(int paddedSize) {
                    return false;
                }
            });
            long end = System.currentTimeMillis() + 2000;
            while (sent.size() < 5 && System.currentTimeMillis() < end) {
                Thread.sleep(5);
            }
            assertEquals(5, sent.size());

            String switched = capture(out -> B4aeProfileCommand.run(c, "balanced", out));
            assertTrue(switched.startsWith("switched to profile balanced: target_rate 100 msg/s, dummy_rate 0.20"), switched);
            assertEquals("balanced", c.schedulerSettings().profile());
            assertTrue(capture(out -> B4aeProfileCommand.run(c, "paranoid", out)).contains("allowed low_overhead"));
            assertTrue(capture(out -> B4aeProfileCommand.run(c, null, out)).startsWith("current profile balanced"));

            String stats = capture(out -> B4aeStatsCommand.print(c, null, out));
            assertTrue(stats.contains("profile                balanced"), stats);
            assertTrue(stats.contains("sent real / dummy      5 / 0"), stats);
            assertTrue(stats.matches("(?s).*b4ae_cookie_challenges_total\\s+1\\n.*"), stats);
            assertTrue(capture(out -> B4aeStatsCommand.print(c, "sessions", out)).contains("b4ae_sessions_active{mode=\"A\"}"));
        } finally {
            c.close();
            endpoint.close();
        }
        assertThrows(B4aeConfigException.class, () -> new B4aeOpsComponent(null,
                Map.of("global_scheduler.dummy_rate", "2"), Map.of()));
    }

    private static void invokeModified(B4aeOpsComponent c, Map<String, Object> props) throws Exception {
        var m = B4aeOpsComponent.class.getDeclaredMethod("modified", Map.class);
        m.setAccessible(true);
        m.invoke(c, props);
    }
}
