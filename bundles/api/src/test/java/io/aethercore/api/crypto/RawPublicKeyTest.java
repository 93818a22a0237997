package io.aethercore.api.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RawPublicKeyTest {

    /** RFC 8032 section 7.1, TEST 1 public key, and its SubjectPublicKeyInfo (RFC 8410 section 10.1 layout). */
    private static final String RFC8032_TEST1_PUB = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    @Test
    void ed25519SpkiIsTheRfc8410Encoding() throws Exception {
        RawPublicKey k = RawPublicKey.of(KeyAlgorithm.ED25519, HexFormat.of().parseHex(RFC8032_TEST1_PUB));
        assertEquals("302a300506032b6570032100" + RFC8032_TEST1_PUB, HexFormat.of().formatHex(k.toSpki()));
        assertEquals(k, RawPublicKey.fromPem(k.toPem()));
        assertTrue(k.toPem().startsWith("-----BEGIN PUBLIC KEY-----\n"));
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void spkiRoundTripsForEveryAlgorithm(KeyAlgorithm alg) throws Exception {
        byte[] raw = new byte[alg.publicKeyLength()];
        Arrays.fill(raw, (byte) 7);
        raw[0] = alg == KeyAlgorithm.ECDSA_P256 ? 0x04 : raw[0];
        RawPublicKey k = RawPublicKey.of(alg, raw);
        RawPublicKey back = RawPublicKey.fromSpki(k.toSpki());
        assertEquals(alg, back.algorithm());
        assertArrayEquals(raw, back.encoded());
        assertEquals(k.fingerprint(), back.fingerprint());
    }

    @Test
    void malformedInputIsATypedFailure() throws Exception {
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.of(KeyAlgorithm.ED25519, new byte[31]));
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.of(KeyAlgorithm.ED25519, null));
        byte[] compressed = new byte[65];
        compressed[0] = 0x02;
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.of(KeyAlgorithm.ECDSA_P256, compressed));

        byte[] spki = RawPublicKey.of(KeyAlgorithm.ED25519, new byte[32]).toSpki();
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromSpki(Arrays.copyOf(spki, spki.length - 1)));
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromSpki(Arrays.copyOf(spki, spki.length + 1)));
        byte[] otherOid = spki.clone();
        otherOid[8] = 0x71; // 1.3.101.113 = Ed448
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromSpki(otherOid));
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromSpki(new byte[0]));
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromPem("no pem here"));
        assertThrows(MalformedKeyException.class,
                () -> RawPublicKey.fromPem("-----BEGIN PUBLIC KEY-----\n%%%\n-----END PUBLIC KEY-----\n"));
    }

    @Test
    void encodedIsACopy() throws Exception {
        byte[] raw = new byte[32];
        RawPublicKey k = RawPublicKey.of(KeyAlgorithm.X25519, raw);
        raw[0] = 1;
        k.encoded()[1] = 1;
        assertArrayEquals(new byte[32], k.encoded());
    }
}
