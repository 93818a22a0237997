package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.Session;
import io.aethercore.api.crypto.Aead;
import io.aethercore.api.crypto.AeadAlgorithm;
import io.aethercore.api.crypto.AeadAuthenticationException;
import io.aethercore.crypto.internal.BcAeads;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 17 item 8: retired traffic keys are wiped (§6.2), in the AEAD provider, not only dropped. */
class RetiredKeysTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() throws Exception {
        nodes.close();
    }

    @Test
    void destroyOverwritesTheProvidersKey() throws Exception {
        byte[] key = new byte[32];
        key[0] = 7;
        Aead a = new BcAeads().newAead(AeadAlgorithm.CHACHA20_POLY1305, key);
        byte[] nonce = new byte[12];
        byte[] sealed = a.seal(nonce, "x".getBytes(), null);
        a.destroy();
        assertThrows(AeadAuthenticationException.class, () -> a.open(nonce, sealed, null),
                "the key bytes are gone: what it sealed no longer opens");
    }

    @Test
    void keysRetiredByARekeyAreWipedAndSealNothing() throws Exception {
        InMemoryNetwork net = new InMemoryNetwork();
        var p = nodes.pair(nodes.track(net.endpoint(Nodes.mem(1))), nodes.track(net.endpoint(Nodes.mem(2))),
                Nodes.settings().rekeyAfterMessages(4), Nodes.settings().rekeyAfterMessages(4));
        Session a = p.alice().connect("bob", Mode.A);
        Keypair first = ((B4aeSession) a).current();
        Session b = p.bob().accept(Duration.ofSeconds(5));
        for (int i = 0; i < 200 && !first.wiped(); i++) {
            a.send(("m" + i).getBytes());
            assertArrayEquals(("m" + i).getBytes(), b.receive(Duration.ofSeconds(5)));
            Thread.sleep(20);
        }
        assertTrue(first.wiped(), "two rekeys later the first keys are retired and wiped");
        assertNull(first.seal(new byte[16]), "wiped keys never seal");
        assertFalse(((B4aeSession) a).current().wiped(), "the current keys are intact");
    }
}
