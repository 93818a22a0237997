package io.aethercore.b4ae.internal;

import io.aethercore.b4ae.internal.config.B4aeSettings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Property-based fuzzing of every parser: the datagram dispatcher (all six types), fragment headers,
 * reassembly, handshake bodies, cookie replies, and the replay window against a model. Properties: no
 * parser throws anything but its typed rejection, hostile input never authenticates, state stays bounded.
 * Short in CI; {@code -Db4ae.fuzz.iterations=1000000} runs it long.
 */
class ParserFuzzTest {

    static final int N = Integer.getInteger("b4ae.fuzz.iterations", 3000);
    static final long SEED = Long.getLong("b4ae.fuzz.seed", System.nanoTime());
    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    static byte[] mutate(Random r, byte[] seed) {
        byte[] d = seed.clone();
        switch (r.nextInt(7)) {
            case 0 -> d[r.nextInt(d.length)] ^= (byte) (1 << r.nextInt(8));
            case 1 -> {
                for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
                    d[r.nextInt(d.length)] = (byte) r.nextInt();
                }
            }
            case 2 -> d = java.util.Arrays.copyOf(d, r.nextInt(d.length + 1));
            case 3 -> d = java.util.Arrays.copyOf(d, d.length + 1 + r.nextInt(64));
            case 4 -> d[0] = (byte) (1 + r.nextInt(7));                   // another type's parser on this body
            case 5 -> {
                int pos = r.nextInt(Math.min(16, d.length));
                d[pos] = (byte) (r.nextBoolean() ? 0xff : 0);              // boundary values in headers
            }
            default -> {
                d = new byte[r.nextInt(1400)];
                r.nextBytes(d);
                if (d.length > 0) {
                    d[0] = (byte) (1 + r.nextInt(6));
                }
            }
        }
        return d;
    }

    @Test
    void datagramDispatcherSurvivesMutatedTraffic() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        List<byte[]> corpus = new CopyOnWriteArrayList<>();
        net.setTap((from, to, d) -> {
            corpus.add(d.clone());
            return new byte[][] {d};
        });
        B4aeSettings.Builder sb = Nodes.settings();
        sb.cookieAlways(true); // so COOKIE replies are in the corpus too
        var p = nodes.pair(nodes.track(net.endpoint(Nodes.mem(1))), nodes.track(net.endpoint(Nodes.mem(2))),
                Nodes.settings(), sb);
        for (Mode m : Mode.values()) {
            Session a = p.alice().connect("bob", m);
            a.send(new byte[100]);
            Session b = p.bob().accept(Duration.ofSeconds(5));
            b.receive(Duration.ofSeconds(5));
            b.send(new byte[10]);
            a.receive(Duration.ofSeconds(5));
            a.close();
            Thread.sleep(50);
        }
        net.setTap(null);
        Set<Integer> types = new HashSet<>();
        corpus.forEach(d -> types.add((int) d[0]));
        assertTrue(types.containsAll(List.of(1, 2, 3, 4, 5)), "corpus covers the datagram types: " + types);
        CountingObserver oa = new CountingObserver();
        CountingObserver ob = new CountingObserver();
        p.alice().setObserver(oa);
        p.bob().setObserver(ob);
        Random r = new Random(SEED);
        InetSocketAddress src = Nodes.mem(9);
        for (int i = 0; i < N; i++) {
            byte[] d = mutate(r, corpus.get(r.nextInt(corpus.size())));
            (r.nextBoolean() ? p.alice() : p.bob()).onDatagram(r.nextBoolean() ? src : p.aliceAddr(), d, d.length);
        }
        assertEquals(0, oa.get("dropped.internal") + ob.get("dropped.internal"), "seed " + SEED + " " + oa + ob);
        assertEquals(0, oa.get("received") + ob.get("received"), "nothing authenticated, seed " + SEED);
        assertEquals(0, p.bob().stateSize().sessions(), "seed " + SEED);
        assertTrue(p.bob().stateSize().reassemblyBytes() <= sb.build().maxReassemblyBytes());
    }

    @Test
    void handshakeBodyParsersRejectWithTypedErrorsOnly() throws Exception {
        Suite s = Nodes.SUITE;
        StaticKeys alice = Nodes.keys("alice");
        StaticKeys bob = Nodes.keys("bob");
        PinnedTrustStore trustB = Nodes.trust();
        Nodes.pin(trustB, "alice", null);
        byte[] ss = alice.agree(bob.x25519());
        int both = 3;
        Random r = new Random(SEED);
        List<byte[]> bodies = new ArrayList<>();
        for (Mode m : Mode.values()) {
            var init = Handshakes.Initiator.start(s, alice, m, both, m.bit(), 5, "bob", bob.x25519(), bob.mldsa(), ss,
                    Handshakes.timestamp(Instant.now()));
            bodies.add(init.body());
            var resp = Handshakes.Responder.respond(s, bob, trustB, Instant.now(), init.body(), 6, both, (k, t) -> true, k -> ss);
            bodies.add(resp.resp());
            init.close();
        }
        int rejections = 0;
        int n = Math.max(50, N / 20); // each iteration runs public-key operations
        for (int i = 0; i < n; i++) {
            byte[] body = bodies.get(r.nextInt(bodies.size()));
            byte[] x = mutate(r, body);
            try {
                Handshakes.Responder.respond(s, bob, trustB, Instant.now(), x, 8, both, (k, t) -> true, k -> ss);
            } catch (HandshakeException e) {
                rejections++;
            }
            Mode m = r.nextBoolean() ? Mode.A : Mode.B;
            var init = Handshakes.Initiator.start(s, alice, m, both, m.bit(), 5, "bob", bob.x25519(), bob.mldsa(), ss,
                    Handshakes.timestamp(Instant.now()));
            try {
                init.onResponse(s, alice, x);
            } catch (HandshakeException e) {
                rejections++;
            }
        }
        assertTrue(rejections >= n, "mutants are rejected, seed " + SEED);
    }

    @Test
    void fragmentHeaderAndReassemblyNeverOverrun() {
        Random r = new Random(SEED);
        for (int i = 0; i < N * 10; i++) {
            byte[] d = new byte[r.nextInt(200)];
            r.nextBytes(d);
            Wire.Fragment f = Wire.Fragment.parse(d, d.length);
            if (f != null) {
                assertTrue(f.offset() + f.chunkLength() <= f.total());
                assertTrue(f.index() < f.count() && f.count() <= Wire.MAX_FRAGMENTS);
            }
        }
        // random fragment streams: assemble() returns a tiling or null, never throws
        for (int i = 0; i < N; i++) {
            int total = 1 + r.nextInt(400);
            int count = 1 + r.nextInt(4);
            Partial p = null;
            for (int k = 0; k < count * 2; k++) {
                int chunk = 1 + r.nextInt(200);
                byte[] d = new byte[Wire.HS_OVERHEAD + chunk];
                d[0] = 1;
                d[1] = 1;
                d[2] = (byte) r.nextInt(count);
                d[3] = (byte) count;
                Bytes.put16(d, 12, total);
                Bytes.put16(d, 14, r.nextInt(total));
                Wire.Fragment f = Wire.Fragment.parse(d, d.length);
                if (f == null) {
                    continue;
                }
                if (p == null) {
                    p = new Partial(f, null, 0);
                }
                p.add(f, d, 0);
                assertTrue(p.bytes() <= total);
            }
            if (p != null) {
                byte[] body = p.assemble();
                assertTrue(body == null || body.length == total);
            }
        }
    }

    @Test
    void cookieReplyParserRejectsGarbage() {
        Suite s = Nodes.SUITE;
        Random r = new Random(SEED);
        byte[][] mac1s = {new byte[16], new byte[16]};
        for (int i = 0; i < N; i++) {
            byte[] d = new byte[Wire.COOKIE_LEN];
            r.nextBytes(d);
            assertNull(CookieGuard.openCookieReply(s, Nodes.keys("bob").x25519(), d, mac1s));
        }
    }

    @Test
    void replayWindowMatchesAModel() {
        Random r = new Random(SEED);
        ReplayWindow w = new ReplayWindow();
        Set<Long> seen = new HashSet<>();
        long highest = -1;
        for (int i = 0; i < N * 20; i++) {
            long c = highest < 0 ? r.nextInt(10) : Math.max(0, highest + r.nextInt(6000) - 4000);
            boolean modelAccepts = !seen.contains(c) && (highest < 0 || c > highest - ReplayWindow.SIZE);
            assertEquals(modelAccepts, w.accept(c), "counter " + c + " highest " + highest + " seed " + SEED);
            if (modelAccepts) {
                seen.add(c);
                highest = Math.max(highest, c);
            }
        }
    }

    @Test
    void bloomRotationHasNoResetGap() {
        long[] now = {0};
        RotatingBloom b = new RotatingBloom(1000, 30_000_000_000L, () -> now[0]);
        Random r = new Random(SEED);
        List<byte[]> items = new ArrayList<>();
        for (int t = 0; t < 200; t++) {
            now[0] = t * 1_000_000_000L;             // one insert per second for 200 s
            byte[] d = new byte[32];
            r.nextBytes(d);
            b.add(d);
            items.add(d);
            for (int back = 0; back < Math.min(30, items.size()); back++) {
                assertTrue(b.mightContain(items.get(items.size() - 1 - back)),
                        "an entry is visible for a full period after insertion (t=" + t + ", age " + back + ")");
            }
        }
        now[0] += 61_000_000_000L;
        assertTrue(!b.mightContain(items.get(items.size() - 1)), "and gone after two periods");
        byte[] probe = new byte[32];
        int fp = 0;
        for (int i = 0; i < 10_000; i++) {
            r.nextBytes(probe);
            b.add(probe.clone());
        }
        for (int i = 0; i < 10_000; i++) {
            r.nextBytes(probe);
            fp += b.mightContain(probe) ? 1 : 0;
        }
        assertTrue(fp < 10_000, "sanity");
        assertArrayEquals(new byte[0], new byte[0]);
    }
}
