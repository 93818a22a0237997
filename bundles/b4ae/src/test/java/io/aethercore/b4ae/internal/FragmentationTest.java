package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Mode B messages exceed one datagram: fragmentation, reassembly and selective retransmission (§3.1-§3.3). */
class FragmentationTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    /** Drops one fragment of {@code type} once: the receiver NACKs it and only that fragment is sent again. */
    @ParameterizedTest
    @ValueSource(ints = {Wire.T_INIT, Wire.T_RESP, Wire.T_FINISH})
    void lostFragmentIsRetransmittedSelectively(int type) throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        Set<String> dropped = ConcurrentHashMap.newKeySet();
        List<String> sent = new CopyOnWriteArrayList<>();
        net.setTap((from, to, d) -> {
            if (d[0] == Wire.T_INIT && Bytes.isZero(d, d.length - 16, 16)) {
                return new byte[][] {d}; // Mode B's first INIT, answered with a cookie (§4.4): not counted
            }
            if (d[0] >= Wire.T_INIT && d[0] <= Wire.T_FINISH) {
                String id = d[0] + "/" + d[2] + "/" + d[3];
                sent.add(id);
                if (d[0] == type && d[2] == 1 && dropped.add(id)) {
                    return new byte[0][];
                }
                assertTrue(d.length <= 1200, "fragments stay within max_datagram_size");
            }
            return new byte[][] {d};
        });
        // the side that misses a fragment NACKs after 100 ms; the side that sent it would repeat the whole message
        // only after seconds, so that what goes out again is what the NACK asked for (the handshake work runs on
        // a worker: with equal timers a repeated copy could race it on a busy machine)
        var sa = Nodes.settings();
        var sb = Nodes.settings();
        var sender = type == Wire.T_RESP ? sb : sa;
        var receiver = type == Wire.T_RESP ? sa : sb;
        sender.fragmentNackMs(1000);
        sender.handshakeRetryMs(5000);
        receiver.fragmentNackMs(100);
        var p = nodes.pair(nodes.track(net.endpoint(Nodes.mem(1))), nodes.track(net.endpoint(Nodes.mem(2))), sa, sb);
        CountingObserver oa = new CountingObserver();
        p.alice().setObserver(oa);
        CountingObserver ob = new CountingObserver();
        p.bob().setObserver(ob);
        Session a = p.alice().connect("bob", Mode.B);
        a.send("after fragments".getBytes());
        Session b = p.bob().accept(Duration.ofSeconds(5));
        assertArrayEquals("after fragments".getBytes(), b.receive(Duration.ofSeconds(5)));
        assertEquals(1, dropped.size());
        String lost = dropped.iterator().next();
        assertEquals(2, sent.stream().filter(lost::equals).count(), "the lost fragment went out twice: " + sent + "; bob " + ob + "; alice " + oa);
        String other = type + "/0/" + lost.split("/")[2];
        assertEquals(1, sent.stream().filter(other::equals).count(), "fragment 0 was not resent: " + sent);
        assertEquals(1, oa.get("started.B.i"));
        assertTrue(sent.stream().filter(x -> x.startsWith(Wire.T_INIT + "/0/")).count() == 1, "one INIT: " + sent);
    }
}
