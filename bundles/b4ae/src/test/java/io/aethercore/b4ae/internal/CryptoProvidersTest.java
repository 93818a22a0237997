package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.aethercore.crypto.internal.BcAeads;
import io.aethercore.crypto.internal.BcHashing;
import io.aethercore.crypto.internal.BcKdf;
import io.aethercore.crypto.internal.BcKeyAgreement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which providers make the suite: B4AE's small hashes go to an in-process BLAKE3 while there is one. */
class CryptoProvidersTest {

    private static Map<String, Object> props(int ranking, boolean nativeCode, String... algorithms) {
        return Map.of("service.ranking", ranking, "aethercore.native", nativeCode, "aethercore.algorithms", algorithms);
    }

    @Test
    void anInProcessBlake3ServesTheSuiteBeforeAHigherRankedNativeOne() {
        CryptoProviders c = new CryptoProviders();
        assertNull(c.suite(), "nothing bound");
        c.kdfs().bind(new BcKdf(), props(10, false, "HKDF-SHA256"));
        c.aeads().bind(new BcAeads(), props(10, false, "ChaCha20-Poly1305"));
        c.dhs().bind(new BcKeyAgreement(), props(10, false, "X25519"));
        BcHashing nativeOne = new BcHashing();     // stands in for the JNI provider: what counts is the property
        BcHashing inProcess = new BcHashing();
        c.bindHash(nativeOne, props(100, true, "BLAKE3"));
        assertSame(nativeOne, c.suite().hash(), "the only BLAKE3 provider serves, native or not");
        c.bindHash(inProcess, props(10, false, "BLAKE3", "SHA-256"));
        assertSame(inProcess, c.suite().hash(), "in process first, whatever the ranking");
        c.unbindHash(inProcess);
        assertSame(nativeOne, c.suite().hash(), "back to the native one when the other goes");
        c.unbindHash(nativeOne);
        assertNull(c.suite(), "no BLAKE3: no suite");
    }
}
