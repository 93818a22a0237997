package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.RawPublicKey;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 4: an on-path attacker injects a RESP that decrypts but carries a bad signature, or a forged
 * FINISH ahead of every genuine one. Neither may end the handshake: messages are verified on a copy of the
 * state, pending state stays until a message authenticates, conflicting fragments discard the message.
 * (On-path needs a network the test can tap, so these run on the in-memory network.)
 */
class ForgeryTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    /** Mallory's keys, presenting bob's ML-DSA-87 public key: her RESP decrypts, her signature is hers. */
    private static StaticKeys posingAsBob() {
        StaticKeys m = Nodes.keys("mallory");
        RawPublicKey bobSig = Nodes.keys("bob").mldsa();
        return new StaticKeys() {
            @Override public RawPublicKey x25519() { return m.x25519(); }
            @Override public byte[] agree(RawPublicKey peer) throws CryptoException { return m.agree(peer); }
            @Override public RawPublicKey mldsa() { return bobSig; }
            @Override public byte[] sign(byte[] message) throws CryptoException { return m.sign(message); }
        };
    }

    @Test
    void respThatDecryptsWithABadSignatureDoesNotKillTheHandshake() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        Suite s = Nodes.SUITE;
        int maxDatagram = Nodes.settings().build().maxDatagram();
        Map<Integer, byte[][]> initFragments = new ConcurrentHashMap<>();
        AtomicInteger forged = new AtomicInteger();
        InetSocketAddress aliceAddr = Nodes.mem(1);
        InetSocketAddress bobAddr = Nodes.mem(2);
        StaticKeys posing = posingAsBob();
        java.util.concurrent.CountDownLatch injected = new java.util.concurrent.CountDownLatch(1);
        net.setTap((from, to, d) -> {
            if (d[0] == Wire.T_RESP && from.equals(bobAddr)) {
                try {
                    injected.await(10, TimeUnit.SECONDS); // the attacker is closer: its RESP arrives first
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (d[0] == Wire.T_INIT && d[1] == Mode.B.bit() && to.equals(bobAddr)) {
                int sender = Bytes.i32(d, 4);
                byte[][] parts = initFragments.computeIfAbsent(sender, k -> new byte[d[3]][]);
                parts[d[2]] = d.clone();
                boolean whole = true;
                for (byte[] f : parts) {
                    whole &= f != null;
                }
                if (whole && forged.compareAndSet(0, 1)) {
                    byte[] body = new byte[Bytes.u16(d, 12)];
                    for (byte[] f : parts) {
                        System.arraycopy(f, Wire.HS_HEADER, body, Bytes.u16(f, 14), f.length - Wire.HS_OVERHEAD);
                    }
                    try {
                        Handshakes.Responder r = Handshakes.Responder.respond(s, posing, Nodes.trust(),
                                Instant.now(), body, 0x5eed, 3, (k, t) -> true, k -> new byte[32]);
                        for (byte[] f : Attacker.frame(s, maxDatagram, Wire.T_RESP, Mode.B.bit(), 0x5eed, sender,
                                r.resp(), CookieGuard.mac1RespKey(s, Bytes.slice(body, 8, 32)))) {
                            net.inject(bobAddr, aliceAddr, f);
                        }
                        injected.countDown();
                    } catch (HandshakeException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            return new byte[][] {d};
        });
        CountingObserver oa = new CountingObserver();
        var p = nodes.pair(nodes.track(net.endpoint(aliceAddr)), nodes.track(net.endpoint(bobAddr)),
                Nodes.settings(), Nodes.settings());
        p.alice().setObserver(oa);
        Session a = p.alice().connectAsync("bob", bobAddr, Mode.B).get(20, TimeUnit.SECONDS);
        assertEquals(1, forged.get(), "the forged RESP went in");
        assertTrue(oa.get("failed.signature") >= 1, "the forged RESP decrypted and failed its signature: " + oa);
        assertEquals(1, oa.get("started.B.i"), "one handshake");
        assertEquals(Mode.B, a.info().mode());
        a.send("still here".getBytes());
        Session b = p.bob().accept(Duration.ofSeconds(10));
        assertNotNull(b);
        assertEquals("still here", new String(b.receive(Duration.ofSeconds(5))));
    }

    @Test
    void forgedFinishAheadOfEveryGenuineOneDoesNotKillTheHandshake() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        Suite s = Nodes.SUITE;
        byte[] bobMac1 = CookieGuard.mac1Key(s, Nodes.keys("bob").x25519());
        int maxDatagram = Nodes.settings().build().maxDatagram();
        AtomicInteger forged = new AtomicInteger();
        Random rnd = new Random(4);
        InetSocketAddress aliceAddr = Nodes.mem(1);
        InetSocketAddress bobAddr = Nodes.mem(2);
        net.setTap((from, to, d) -> {
            if (d[0] == Wire.T_FINISH && d[2] == 0) {
                byte[] body = new byte[Bytes.u16(d, 12)];
                rnd.nextBytes(body);
                System.arraycopy(d, Wire.HS_HEADER, body, 0, 12); // a plausible head: version, mode, flag, indices
                for (byte[] f : Attacker.frame(s, maxDatagram, Wire.T_FINISH, d[1], Bytes.i32(d, 4), Bytes.i32(d, 8),
                        body, bobMac1)) {
                    net.inject(from, to, f);
                }
                forged.incrementAndGet();
            }
            return new byte[][] {d};
        });
        CountingObserver ob = new CountingObserver();
        var p = nodes.pair(nodes.track(net.endpoint(aliceAddr)), nodes.track(net.endpoint(bobAddr)),
                Nodes.settings(), Nodes.settings());
        p.bob().setObserver(ob);
        Session a = p.alice().connectAsync("bob", bobAddr, Mode.B).get(20, TimeUnit.SECONDS);
        a.send("through".getBytes());
        Session b = p.bob().accept(Duration.ofSeconds(10));
        assertNotNull(b, "bob completed: " + ob);
        assertEquals("through", new String(b.receive(Duration.ofSeconds(5))));
        assertTrue(forged.get() >= 1);
        assertTrue(ob.get("failed.decrypt") >= 1, "the forged FINISH was refused: " + ob);
        assertEquals(1, ob.get("started.B.r"), "the same handshake completed, no fresh one: " + ob);
        // reported just after the session is installed, on the handshake worker
        assertTrue(Await.until(() -> ob.get("completed.B.r") == 1, 5000), ob.toString());
    }
}
