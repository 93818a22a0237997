package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import io.aethercore.b4ae.internal.metrics.B4aeOpsComponent;
import io.aethercore.b4ae.internal.padding.Padme;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The core and the metadata layer together, as the bundle runs them: the real {@link B4aeOpsComponent}
 * (constant-rate scheduler, PADMÉ, metrics) attached to an engine through its {@link MetadataHooks}, the
 * way {@code ChannelHost} attaches the service it binds.
 */
class MetadataIntegrationTest {

    private final Nodes nodes = new Nodes();
    private B4aeOpsComponent ops;

    @AfterEach
    void close() throws Exception {
        if (ops != null) {
            ops.close();
        }
        nodes.close();
    }

    @Test
    void recordsLeaveThroughTheSchedulerPaddedToPadmeBucketsLongMessagesSplitWithDummiesBetween() throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put("global_scheduler.profile", "balanced");
        props.put("monitoring.metrics_enabled", "false");
        ops = new B4aeOpsComponent(null, props, Map.of());

        InMemoryNetwork net = new InMemoryNetwork();
        List<Integer> aliceRecordSizes = new CopyOnWriteArrayList<>();
        var p = nodes.memoryPair(net);
        net.setTap((from, to, d) -> {
            if (d[0] == Wire.T_DATA && from.equals(p.aliceAddr())) {
                aliceRecordSizes.add(d.length);
            }
            return new byte[][] {d};
        });
        MetadataHooks hooks = ops.hooks();
        p.alice().setObserver(ops.metrics());
        p.alice().setPadding(hooks.padding());
        p.alice().setOutbound(hooks.attach(p.alice()));
        CountingObserver bobSees = new CountingObserver();
        p.bob().setObserver(bobSees);

        Session a = p.alice().connect("bob", Mode.A);
        Session b = p.bob().accept(Duration.ofSeconds(5));
        int[] lengths = {0, 1, 100, 1021, 1022, 2000, 5000, 9000, 16000, 16381, 16382, 40_000, 65_000}; // the last three are split
        for (int len : lengths) {
            byte[] m = new byte[len];
            java.util.Arrays.fill(m, (byte) len);
            a.send(m);
        }
        for (int len : lengths) {
            byte[] got = b.receive(Duration.ofSeconds(5));
            assertEquals(len, got == null ? -1 : got.length, "delivered in order, padding removed");
            byte[] want = new byte[len];
            java.util.Arrays.fill(want, (byte) len);
            assertArrayEquals(want, got);
        }
        // an idle session still emits dummies (balanced: dummy_rate 0.2 x 100 slots/s)
        assertTrue(Await.until(() -> bobSees.get("received.dummy") >= 3, 5000), bobSees.toString());

        Padme padme = Padme.defaults();
        Set<Integer> buckets = new TreeSet<>();
        for (int len = 0; len <= padme.maxBucket(); len++) {
            buckets.add(padme.applyAsInt(len));
        }
        int overhead = aliceRecordSizes.get(0) - padme.applyAsInt(Wire.INNER_HEADER); // header + tag
        for (int size : aliceRecordSizes) {
            assertTrue(buckets.contains(size - overhead), "record of " + size + " bytes is not a PADMÉ bucket");
        }
        double ratio = ops.metrics().dummyRatio();
        assertTrue(ratio > 0 && ratio < 1, "metrics count both real and dummy records: " + ratio);
        var stats = ops.schedulerStats();
        assertTrue(stats.realSent() >= lengths.length && stats.dummiesSent() >= 3, stats.toString());
        assertEquals(0, stats.rejected(), stats.toString());
    }
}
