package io.aethercore.b4ae.internal;

import io.aethercore.b4ae.internal.config.B4aeSettings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replayed, reordered, truncated, bit-flipped and forged datagrams; cookies; floods (§3, §4, §6.1).
 * Every rejection must leave the responder's state where it was.
 */
class HostileInputTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    private record Captured(InetSocketAddress from, InetSocketAddress to, byte[] data) {}

    @ParameterizedTest
    @EnumSource(Mode.class)
    void replayedTruncatedFlippedAndForgedDatagramsAreRejectedWithoutStateGrowth(Mode mode) throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        List<Captured> wire = new CopyOnWriteArrayList<>();
        net.setTap((from, to, d) -> {
            wire.add(new Captured(from, to, d.clone()));
            return new byte[][] {d};
        });
        var p = nodes.memoryPair(net);
        CountingObserver ob = new CountingObserver();
        p.bob().setObserver(ob);
        Session a = p.alice().connect("bob", mode);
        for (int i = 0; i < 5; i++) {
            a.send(("m" + i).getBytes());
        }
        Session b = p.bob().accept(Duration.ofSeconds(5));
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(("m" + i).getBytes(), b.receive(Duration.ofSeconds(5)));
        }
        assertTrue(Await.until(() -> p.bob().stateSize().pendingResponders() == 0, 2000));
        // key confirmation (§5.4): both sides have heard each other, and the last probe answer has landed
        assertTrue(Await.until(() -> ((B4aeSession) a).current().heard() && ((B4aeSession) b).current().heard(), 2000));
        Thread.sleep(300);
        net.setTap(null);
        B4aeEngine.StateSize before = p.bob().stateSize();
        long receivedBefore = ob.get("received");
        Random rnd = new Random(42);
        int injected = 0;
        for (Captured c : wire) {
            if (!c.to().equals(p.bobAddr())) {
                continue;
            }
            byte[] d = c.data();
            // 1. replay as is
            p.bob().onDatagram(c.from(), d.clone(), d.length);
            // 2. every truncation length class
            for (int len : new int[] {0, 1, 15, 16, d.length / 2, d.length - 17, d.length - 1}) {
                if (len >= 0 && len < d.length) {
                    p.bob().onDatagram(c.from(), java.util.Arrays.copyOf(d, len), len);
                }
            }
            // 3. single bit flips at random positions and at every header byte
            for (int k = 0; k < 24; k++) {
                byte[] x = d.clone();
                int pos = k < 16 ? k : rnd.nextInt(x.length);
                x[pos] ^= (byte) (1 << rnd.nextInt(8));
                p.bob().onDatagram(c.from(), x, x.length);
            }
            // 4. forged: same header, random rest
            byte[] f = d.clone();
            for (int i = 16; i < f.length; i++) {
                f[i] = (byte) rnd.nextInt();
            }
            p.bob().onDatagram(c.from(), f, f.length);
            injected++;
        }
        assertTrue(injected >= 2, "captured traffic to replay");
        assertNull(b.receive(Duration.ofMillis(200)), "no hostile datagram delivers a message");
        assertEquals(receivedBefore, ob.get("received"), "no hostile record authenticated: " + ob);
        B4aeEngine.StateSize after = p.bob().stateSize();
        assertEquals(before.sessions(), after.sessions());
        assertEquals(before.keypairs(), after.keypairs());
        assertEquals(0, after.pendingResponders(), "no responder state from replays: " + after);
        assertEquals(0, after.unconfirmed(), "no unconfirmed keys from replays: " + after);
        assertTrue(ob.get("dos.replay") >= 1, "the replayed INIT hit the Bloom filter: " + ob);
        assertTrue(ob.get("dropped.replay") >= 1, "replayed records hit the window: " + ob);
        assertEquals(0, ob.get("dropped.internal"), "no parser threw: " + ob);
        // the real session still works
        a.send("still fine".getBytes());
        assertArrayEquals("still fine".getBytes(), b.receive(Duration.ofSeconds(5)));
    }

    /** Reordering inside the window is accepted once each; beyond the 2048-record window it is refused. */
    @Test
    void reorderedRecordsFollowTheWindow() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        List<byte[]> held = new CopyOnWriteArrayList<>();
        var p = nodes.memoryPair(net);
        Session a = p.alice().connect("bob", Mode.A);
        Session b = p.bob().accept(Duration.ofSeconds(5));
        assertNotNull(b);
        // key confirmation (§5.4): alice's probes stop once bob answered; only then are records held
        assertTrue(Await.until(() -> ((B4aeSession) a).current().heard(), 2000), "bob answered the probe");
        net.setTap((from, to, d) -> {
            if (d[0] == Wire.T_DATA) {
                held.add(d);
                return new byte[0][];
            }
            return new byte[][] {d};
        });
        for (int i = 0; i < ReplayWindow.SIZE + 10; i++) {
            a.send(new byte[] {(byte) i, (byte) (i >> 8)});
        }
        assertTrue(Await.until(() -> held.size() == ReplayWindow.SIZE + 10, 5000));
        CountingObserver ob = new CountingObserver();
        p.bob().setObserver(ob);
        byte[] last = held.get(held.size() - 1);
        p.bob().onDatagram(p.aliceAddr(), last, last.length);
        byte[] inWindow = held.get(held.size() - 5);
        p.bob().onDatagram(p.aliceAddr(), inWindow, inWindow.length);
        p.bob().onDatagram(p.aliceAddr(), inWindow, inWindow.length); // duplicate
        byte[] tooOld = held.get(2);
        p.bob().onDatagram(p.aliceAddr(), tooOld, tooOld.length);
        assertEquals(2, ob.get("received"));
        assertEquals(2, ob.get("dropped.replay"), ob.toString());
        byte[] m1 = b.receive(Duration.ofSeconds(2));
        byte[] m2 = b.receive(Duration.ofSeconds(2));
        assertEquals(ReplayWindow.SIZE + 9, (m1[0] & 0xff) | (m1[1] & 0xff) << 8);
        assertEquals(ReplayWindow.SIZE + 5, (m2[0] & 0xff) | (m2[1] & 0xff) << 8);
    }

    /** Cookie always required: the handshake still completes through one COOKIE round trip. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void handshakeCompletesThroughCookieChallenge(Mode mode) throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        Map<InetSocketAddress, AtomicLong> in = new ConcurrentHashMap<>();
        Map<InetSocketAddress, AtomicLong> out = new ConcurrentHashMap<>();
        List<Integer> cookieSizes = new CopyOnWriteArrayList<>();
        net.setTap((from, to, d) -> {
            if (d[0] == Wire.T_COOKIE) {
                cookieSizes.add(d.length);
            }
            return new byte[][] {d};
        });
        B4aeSettings.Builder sb = Nodes.settings();
        sb.cookieAlways(true);
        var p = nodes.pair(nodes.track(net.endpoint(Nodes.mem(1))), nodes.track(net.endpoint(Nodes.mem(2))),
                Nodes.settings(), sb);
        CountingObserver ob = new CountingObserver();
        CountingObserver oa = new CountingObserver();
        p.bob().setObserver(ob);
        p.alice().setObserver(oa);
        Session a;
        try {
            a = p.alice().connectAsync("bob", p.bobAddr(), mode).get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("bob " + ob + " alice " + oa + " " + p.alice().stateSize());
        }
        a.send("through the cookie".getBytes());
        Session b = p.bob().accept(Duration.ofSeconds(5));
        assertArrayEquals("through the cookie".getBytes(), b.receive(Duration.ofSeconds(5)));
        assertTrue(ob.get("cookie.sent") >= 1, ob.toString());
        assertTrue(cookieSizes.stream().allMatch(n -> n == Wire.COOKIE_LEN));
        assertTrue(in.isEmpty() && out.isEmpty());
    }

    /** A forged COOKIE reply (not sealed with the responder's cookie key and our mac1) is ignored. */
    @Test
    void forgedCookieReplyIsRejected() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        List<byte[]> inits = new CopyOnWriteArrayList<>();
        net.setTap((from, to, d) -> {
            if (d[0] == Wire.T_INIT) {
                inits.add(d);
                return new byte[0][]; // bob never answers
            }
            return new byte[][] {d};
        });
        var p = nodes.memoryPair(net);
        CountingObserver oa = new CountingObserver();
        p.alice().setObserver(oa);
        var f = p.alice().connectAsync("bob", p.bobAddr(), Mode.A);
        assertTrue(Await.until(() -> !inits.isEmpty(), 2000));
        byte[] init = inits.get(0);
        byte[] forged = new byte[Wire.COOKIE_LEN];
        forged[0] = Wire.T_COOKIE;
        System.arraycopy(init, 4, forged, 4, 4); // right receiver index, wrong key
        new Random(3).nextBytes(java.nio.ByteBuffer.wrap(forged, 8, 56).array());
        forged[0] = Wire.T_COOKIE;
        System.arraycopy(init, 4, forged, 4, 4);
        p.alice().onDatagram(p.bobAddr(), forged, forged.length);
        assertEquals(1, oa.get("cookie.invalid"), oa.toString());
        f.cancel(true);
    }

    /** Cookies expire after two epochs, bind the address, and survive one secret rotation (§4.1). */
    @Test
    void cookiesExpireBindTheAddressAndSurviveRotation() {
        Suite s = Nodes.SUITE;
        long[] wall = {1_000_000_000_000L};
        CookieGuard g = new CookieGuard(null, 1000, 30, 50, new java.security.SecureRandom(), () -> wall[0], System::nanoTime);
        InetSocketAddress src = new InetSocketAddress("192.0.2.7", 4000);
        byte[] d = new byte[200];
        new Random(5).nextBytes(d);
        byte[] cookie = g.cookie(s, src);
        System.arraycopy(s.mac(CookieGuard.mac2Key(s, cookie), d, 0, d.length - 16), 0, d, d.length - 16, 16);
        assertTrue(g.mac2Valid(s, d, d.length, src));
        assertTrue(!g.mac2Valid(s, d, d.length, new InetSocketAddress("192.0.2.8", 4000)), "bound to the IP");
        assertTrue(!g.mac2Valid(s, d, d.length, new InetSocketAddress("192.0.2.7", 4001)), "bound to the port");
        g.setSecret(null); // operator rotates the secret: the old one is honoured for 2 x expiry
        assertTrue(g.mac2Valid(s, d, d.length, src));
        wall[0] += 30_000;
        assertTrue(g.mac2Valid(s, d, d.length, src), "previous epoch still accepted");
        wall[0] += 31_000;
        assertTrue(!g.mac2Valid(s, d, d.length, src), "expired after two epochs");
        byte[] zero = d.clone();
        java.util.Arrays.fill(zero, zero.length - 16, zero.length, (byte) 0);
        assertTrue(!g.mac2Valid(s, zero, zero.length, src));
    }

    /**
     * A flood of junk and of mac1-valid INITs from thousands of spoofed addresses: memory stays bounded, no
     * responder state is created for them, no reply is larger than its request, and alice still connects.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void floodKeepsMemoryBoundedWhileGenuineHandshakesComplete(Mode mode) throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        Map<InetSocketAddress, AtomicLong> bytesTo = new ConcurrentHashMap<>();
        Map<InetSocketAddress, AtomicLong> bytesFrom = new ConcurrentHashMap<>();
        B4aeSettings.Builder sb = Nodes.settings();
        sb.underLoadInitsPerSecond(20);
        sb.maxReassemblyBytes(256 * 1024);
        var ta = nodes.track(net.endpoint(Nodes.mem(1)));
        var tb = nodes.track(net.endpoint(Nodes.mem(2)));
        net.setTap((from, to, d) -> {
            if (from.equals(tb.localAddress())) {
                bytesTo.computeIfAbsent(to, k -> new AtomicLong()).addAndGet(d.length);
            }
            return new byte[][] {d};
        });
        var p = nodes.pair(ta, tb, Nodes.settings(), sb);
        CountingObserver ob = new CountingObserver();
        p.bob().setObserver(ob);
        Suite s = Nodes.SUITE;
        byte[] mac1Key = CookieGuard.mac1Key(s, Nodes.keys("bob").x25519());
        Random rnd = new Random(7);
        Runtime rt = Runtime.getRuntime();
        var genuine = p.alice().connectAsync("bob", p.bobAddr(), mode);
        int maxPartials = 0;
        int maxBytes = 0;
        for (int i = 0; i < 20_000; i++) {
            InetSocketAddress spoofed = new InetSocketAddress("198.51." + (i >> 8 & 255) + "." + (i & 255), 1024 + i % 60000);
            byte[] d;
            if (i % 2 == 0) {
                // well-formed single-fragment Mode A INIT with a random body and a wrong mac1
                d = new byte[Wire.HS_OVERHEAD + Wire.INIT_A_LEN];
                rnd.nextBytes(d);
                d[0] = Wire.T_INIT;
                d[1] = 1;
                d[2] = 0;
                d[3] = 1;
                Bytes.put32(d, 8, 0);
                Bytes.put16(d, 12, Wire.INIT_A_LEN);
                Bytes.put16(d, 14, 0);
            } else {
                // attacker knows bob's public key: mac1-valid fragments of a would-be Mode B INIT
                int index = (i / 2) % 2;
                int chunk = index == 0 ? 1100 : Wire.INIT_B_LEN - 1100;
                d = new byte[Wire.HS_OVERHEAD + chunk];
                rnd.nextBytes(d);
                d[0] = Wire.T_INIT;
                d[1] = 2;
                d[2] = (byte) index;
                d[3] = 2;
                Bytes.put32(d, 8, 0);
                Bytes.put16(d, 12, Wire.INIT_B_LEN);
                Bytes.put16(d, 14, index * 1100);
                java.util.Arrays.fill(d, d.length - 16, d.length, (byte) 0);
                System.arraycopy(s.mac(mac1Key, d, 0, d.length - 32), 0, d, d.length - 32, 16);
            }
            bytesFrom.computeIfAbsent(spoofed, k -> new AtomicLong()).addAndGet(d.length);
            net.inject(spoofed, p.bobAddr(), d);
            if (i % 1000 == 0) {
                Thread.sleep(2);
                B4aeEngine.StateSize st = p.bob().stateSize();
                maxPartials = Math.max(maxPartials, st.initPartials());
                maxBytes = Math.max(maxBytes, st.reassemblyBytes());
            }
        }
        Session a = genuine.get(30, java.util.concurrent.TimeUnit.SECONDS);
        // bob's receive queue may still hold flood datagrams (a full queue drops, as UDP does): let it drain
        long[] last = {-1};
        Await.until(() -> {
            long now = ob.get("dos.mac1") + ob.get("cookie.sent") + ob.get("dos.limits");
            boolean stable = now == last[0];
            last[0] = now;
            return stable;
        }, 10_000);
        byte[] delivered = null;
        Session b = null;
        for (int attempt = 0; attempt < 3 && delivered == null; attempt++) {
            a.send("made it".getBytes());
            if (b == null) {
                b = p.bob().accept(Duration.ofSeconds(10));
                assertNotNull(b, "the genuine handshake completed during the flood: " + ob);
            }
            delivered = b.receive(Duration.ofSeconds(3));
        }
        assertArrayEquals("made it".getBytes(), delivered);
        B4aeEngine.StateSize st = p.bob().stateSize();
        assertTrue(maxBytes <= sb.build().maxReassemblyBytes(), "reassembly bounded: " + maxBytes);
        assertEquals(0, st.pendingResponders(), st.toString());
        assertTrue(ob.get("dos.mac1") > 5000, ob.toString());
        assertTrue(ob.get("cookie.sent") > 0, "under load: cookie replies instead of state: " + ob);
        for (Map.Entry<InetSocketAddress, AtomicLong> e : bytesTo.entrySet()) {
            AtomicLong got = bytesFrom.get(e.getKey());
            if (got != null) {
                assertTrue(e.getValue().get() <= got.get(), "amplification <= 1 towards " + e.getKey());
            }
        }
        assertTrue(rt.totalMemory() > 0 && maxPartials >= 0);
        // item 8: once the partials expired, no per-address counter is left, not even for refused sources
        assertTrue(Await.until(() -> p.bob().stateSize().initPartials() == 0, 10_000), "INIT partials expire");
        assertEquals(0, p.bob().stateSize().reassemblyAddresses(), p.bob().stateSize().toString());
    }
}
