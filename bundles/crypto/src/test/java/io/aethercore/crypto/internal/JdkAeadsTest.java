package io.aethercore.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.aethercore.api.crypto.Aead;
import io.aethercore.api.crypto.AeadAlgorithm;
import io.aethercore.api.crypto.AeadService;
import io.aethercore.tck.AeadContract;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The JDK's AES-256-GCM against the TCK, and against BouncyCastle's on random inputs. */
class JdkAeadsTest extends AeadContract {

    private static final JdkAeads SERVICE = new JdkAeads();

    @Override
    protected AeadService aeadService() {
        return SERVICE;
    }

    @Test
    void sealsExactlyAsBouncyCastleDoesAndOpensWhatItSeals() throws Exception {
        SecureRandom r = new SecureRandom();
        BcAeads bc = new BcAeads();
        for (int i = 0; i < 200; i++) {
            byte[] key = new byte[32];
            byte[] nonce = new byte[12];
            byte[] plain = new byte[r.nextInt(20_000)];
            byte[] aad = i % 3 == 0 ? null : new byte[r.nextInt(64)];
            r.nextBytes(key);
            r.nextBytes(nonce);
            r.nextBytes(plain);
            if (aad != null) {
                r.nextBytes(aad);
            }
            Aead jdk = SERVICE.newAead(AeadAlgorithm.AES_256_GCM, key);
            byte[] sealed = jdk.seal(nonce, plain, aad);
            assertArrayEquals(bc.newAead(AeadAlgorithm.AES_256_GCM, key).seal(nonce, plain, aad), sealed);
            assertArrayEquals(plain, jdk.open(nonce, sealed, aad));
        }
    }

    @Test
    void chaCha20IsNotServedHere() {
        assertThrows(IllegalArgumentException.class,
                () -> SERVICE.newAead(AeadAlgorithm.CHACHA20_POLY1305, new byte[32]));
    }
}
