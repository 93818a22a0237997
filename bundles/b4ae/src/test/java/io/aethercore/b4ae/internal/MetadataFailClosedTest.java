package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.B4aeException;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import io.aethercore.b4ae.internal.config.B4aeConfigException;
import io.aethercore.b4ae.internal.config.B4aeSettingsParser;
import io.aethercore.b4ae.internal.scheduler.OutboundMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 7: the metadata layer fails closed. With constant_rate on nothing leaves around the scheduler,
 * KEEPALIVE and CLOSE records included, and a rejected metadata setting stops the channel with the key named.
 */
class MetadataFailClosedTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    @Test
    void aRejectedMetadataSettingStopsTheMainChannelWithTheKeyNamed() {
        Map<String, Object> props = new HashMap<>();
        props.put("padding.min_bucket_size", "5");
        B4aeConfigException e = assertThrows(B4aeConfigException.class, () -> B4aeComponent.mainSettings(props));
        assertTrue(e.getMessage().contains("padding.min_bucket_size"), e.getMessage());
        assertTrue(e.getMessage().contains("does not start"), e.getMessage());
        // the same properties are a valid endpoint: before the fix the channel ran, unpadded and unscheduled
        B4aeSettingsParser.parse(props, Map.of(), false).endpointOrThrow();
    }

    @Test
    void withConstantRateOnAndNoSchedulerNothingIsSent() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        List<byte[]> data = new CopyOnWriteArrayList<>();
        var p = nodes.memoryPair(net);
        Session a = p.alice().connect("bob", Mode.B);
        Session atBob = p.bob().accept(Duration.ofSeconds(5));
        assertTrue(Await.until(() -> ((B4aeSession) a).current().heard(), 2000), "key confirmation done");
        net.setTap((from, to, d) -> {
            if (d[0] == Wire.T_DATA && from.equals(p.aliceAddr())) {
                data.add(d);
            }
            return new byte[][] {d};
        });
        p.alice().setMetadataRequired(true);                   // constant_rate on, scheduler not running
        B4aeException refused = assertThrows(B4aeException.class, () -> a.send("secret".getBytes()));
        assertTrue(refused.getMessage().contains("constant_rate"), refused.getMessage());
        a.close();                                             // CLOSE cannot go around the scheduler either
        Thread.sleep(200);
        assertTrue(data.isEmpty(), "no record left alice: " + data.size());
        assertTrue(atBob.isOpen(), "bob was not told outside the scheduler");
    }

    @Test
    void closeAndKeepaliveTakeASchedulerSlot() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        var p = nodes.memoryPair(net);
        ConcurrentLinkedQueue<OutboundMessage> slots = new ConcurrentLinkedQueue<>();
        p.alice().setMetadataRequired(true);
        p.alice().setOutbound(slots::add);                     // a scheduler attached: records wait for slots
        Session a = p.alice().connect("bob", Mode.A);          // Mode A initiator probes with a KEEPALIVE
        assertTrue(Await.until(() -> !slots.isEmpty(), 2000), "the probe went to the scheduler");
        assertTrue(slots.peek().session() instanceof B4aeEngine.ControlOf c && c.inner() == Wire.INNER_KEEPALIVE);
        Thread.sleep(100);
        assertTrue(p.bob().sessions().isEmpty(), "bob confirms the keys only when the probe's slot comes");
        drain(p.alice(), slots);
        Session atBob = p.bob().accept(Duration.ofSeconds(5));
        a.close();
        Thread.sleep(100);
        assertTrue(atBob.isOpen(), "CLOSE waits for its slot");
        assertTrue(slots.stream().anyMatch(m -> m.session() instanceof B4aeEngine.ControlOf c
                && c.inner() == Wire.INNER_CLOSE), "the CLOSE is queued for a slot");
        drain(p.alice(), slots);
        assertTrue(Await.until(() -> !atBob.isOpen(), 2000), "the slot sent the CLOSE");
    }

    private static void drain(B4aeEngine e, ConcurrentLinkedQueue<OutboundMessage> slots) {
        OutboundMessage m;
        while ((m = slots.poll()) != null) {
            e.emit(m);
        }
    }
}
