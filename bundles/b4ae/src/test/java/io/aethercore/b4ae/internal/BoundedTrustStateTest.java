package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.B4aeException;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 17 item 8: trust on first use and the static-static DH cache cannot be grown without bound. */
class BoundedTrustStateTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    @Test
    void trustOnFirstUsePinsAreBounded() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        PinnedTrustStore bobTrust = Nodes.trust();
        bobTrust.setTofuLimit(2);
        B4aeEngine bob = nodes.node("bob", bobTrust, Nodes.settings().trustOnFirstUse(true));
        bob.setTransport(nodes.track(net.endpoint(Nodes.mem(2))));
        for (int i = 1; i <= 3; i++) {
            String name = "stranger" + i;                      // unknown to bob: pinned on first use, or not
            PinnedTrustStore t = Nodes.trust();
            Nodes.pin(t, "bob", Nodes.mem(2));
            B4aeEngine e = nodes.node(name, t, Nodes.settings().handshakeAttempts(2).handshakeRetryMs(200));
            e.setTransport(nodes.track(net.endpoint(Nodes.mem(10 + i))));
            if (i <= 2) {
                e.connect("bob", Mode.A).send("hi".getBytes());
            } else {
                // before the fix every fresh key got a permanent pin: a key stream grew bob's trust store
                assertThrows(B4aeException.class, () -> e.connect("bob", Mode.A));
            }
        }
        assertEquals(2, bobTrust.tofuPeers());
        assertEquals(2, bobTrust.peers().size());
    }

    @Test
    void tofuRoomComesBackWhenAPeerIsRemoved() {
        PinnedTrustStore t = Nodes.trust();
        t.setTofuLimit(1);
        RawPublicKey k1 = Nodes.keys("t1").x25519();
        RawPublicKey k2 = Nodes.keys("t2").x25519();
        t.pin("tofu-1", k1, Instant.now());
        assertThrows(IllegalStateException.class, () -> t.pin("tofu-2", k2, Instant.now()));
        t.pin("configured", k2, Instant.now());                   // configured peers are not counted
        t.remove("configured");
        t.remove("tofu-1");
        t.pin("tofu-2", k2, Instant.now());
        assertEquals(1, t.tofuPeers());
    }

    @Test
    void staticStaticCacheIsBoundedAndWipesWhatItDrops() throws Exception {
        EngineContext ctx = new EngineContext(Nodes.SUITE, Nodes.keys("alice"), Nodes.trust(), Nodes.settings().build(),
                new SecureRandom());
        SecureRandom r = new SecureRandom();
        RawPublicKey first = null;
        byte[] firstSecret = null;
        for (int i = 0; i < EngineContext.SS_CACHE_LIMIT + 10; i++) {
            byte[] raw = new byte[32];
            r.nextBytes(raw);
            RawPublicKey k = RawPublicKey.of(KeyAlgorithm.X25519, raw);
            byte[] ss = ctx.staticStatic(k);
            if (first == null) {
                first = k;
                firstSecret = ss.clone();
                ss[0] ^= 1;                                           // a caller wiping its copy leaves the cache intact
                assertArrayEquals(firstSecret, ctx.staticStatic(k));
            }
        }
        assertEquals(EngineContext.SS_CACHE_LIMIT, ctx.staticCacheSize());
        assertArrayEquals(firstSecret, ctx.staticStatic(first), "recomputed after eviction, same value");
        ctx.forgetStatic(first);
        assertTrue(ctx.staticCacheSize() < EngineContext.SS_CACHE_LIMIT);
    }
}
