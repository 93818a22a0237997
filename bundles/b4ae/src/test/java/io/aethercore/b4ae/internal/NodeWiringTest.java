package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import io.aethercore.b4ae.internal.scheduler.OutboundMessage;
import io.aethercore.b4ae.internal.scheduler.SlotSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bundle's parts meeting through {@link NodeWiring} instead of OSGi services: the node's observers reach
 * every endpoint, the metadata hooks only the main one, and both follow the parts as they come and go.
 */
class NodeWiringTest {

    private final List<ChannelHost> hosts = new java.util.ArrayList<>();
    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        hosts.forEach(ChannelHost::deactivate);
        nodes.close();
    }

    /** Hooks that send directly and record what they were attached to. */
    static final class RecordingHooks implements MetadataHooks {
        final List<SlotSink> attached = new CopyOnWriteArrayList<>();
        final List<SlotSink> detached = new CopyOnWriteArrayList<>();

        @Override
        public Consumer<OutboundMessage> attach(SlotSink sink) {
            attached.add(sink);
            return null;
        }

        @Override
        public void detach(SlotSink sink) {
            detached.add(sink);
        }
    }

    private ChannelHost started(String name, List<String> peers, InMemoryNetwork net, int addr) throws Exception {
        ChannelHost h = new ChannelHost(null, ChannelHostTest.settings(name, peers));
        hosts.add(h);
        h.activate();
        ChannelHostTest.bindCrypto(h);
        h.bindCustody(ChannelHostTest.custody(), Map.of());
        h.bindTransport(nodes.track(net.endpoint(Nodes.mem(addr))), Map.of());
        assertNotNull(h.engine());
        return h;
    }

    @Test
    void observersReachEveryEndpointHooksOnlyTheMainOneAndBothFollowThePartsComingAndGoing() throws Exception {
        NodeWiring wiring = new NodeWiring();
        CountingObserver metrics = new CountingObserver();
        RecordingHooks hooks = new RecordingHooks();
        wiring.addObserver(metrics);
        wiring.bindHooks(hooks);                                   // present before the endpoints: replayed

        InMemoryNetwork net = new InMemoryNetwork();
        ChannelHost node = started("b", List.of(), net, 32);
        wiring.watch(node.partsListener(false));
        String bEntry = PeerSpec.describe("b", Nodes.mem(32), node.engine().staticKeys());
        ChannelHost main = started("a", List.of(bEntry), net, 31);
        wiring.watch(main.partsListener(true));
        node.modified(ChannelHostTest.withPeers(ChannelHostTest.settings("b", List.of()),
                List.of(PeerSpec.describe("a", null, main.engine().staticKeys()))));

        assertEquals(List.of(main.engine()), hooks.attached, "only the main endpoint takes the metadata layer");
        connect(main, node);
        awaitCount(metrics, "completed.A.i", 1, "the main endpoint reports to the node's observer");
        awaitCount(metrics, "completed.A.r", 1, "and so does the extra endpoint");

        CountingObserver audit = new CountingObserver();
        wiring.addObserver(audit);                                 // a part that comes later
        wiring.unbindHooks(hooks);                                 // the metadata layer goes
        assertEquals(List.of(main.engine()), hooks.detached);
        RecordingHooks next = new RecordingHooks();
        wiring.bindHooks(next);                                    // and comes back (a new component)
        assertEquals(List.of(main.engine()), next.attached);
        connect(main, node);
        awaitCount(metrics, "completed.A.i", 2, "still reported");
        awaitCount(audit, "completed.A.i", 1, "the new part sees the main endpoint");
        awaitCount(audit, "completed.A.r", 1, "and the extra one");

        wiring.removeObserver(metrics);
        connect(main, node);
        awaitCount(audit, "completed.A.r", 2, "the remaining part still sees both");
        awaitCount(audit, "completed.A.i", 2, "the remaining part still sees both");
        assertEquals(2, metrics.get("completed.A.i"), "a part that went receives nothing more");
        assertEquals(2, metrics.get("completed.A.r"), "a part that went receives nothing more");

        wiring.unbindHooks(hooks);                                 // not the bound one: nothing happens
        assertEquals(List.of(), next.detached);
        assertSame(null, wiring.ops());
    }

    private static void awaitCount(CountingObserver o, String key, long n, String what) throws InterruptedException {
        Await.until(() -> o.get(key) >= n, 5000);
        assertEquals(n, o.get(key), what + ": " + o.counts);
    }

    private static void connect(ChannelHost from, ChannelHost to) throws Exception {
        Session s = from.engine().connect("b", Mode.A);
        Session at = to.engine().accept(Duration.ofSeconds(5));
        s.send("x".getBytes());
        assertEquals("x", new String(at.receive(Duration.ofSeconds(5))));
        s.close();
    }
}
