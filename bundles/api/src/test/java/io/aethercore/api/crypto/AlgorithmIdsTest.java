package io.aethercore.api.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AlgorithmIdsTest {

    @Test
    void hashIdsParseLeniently() {
        assertEquals(HashAlgorithm.BLAKE3, HashAlgorithm.fromId("blake3"));
        assertEquals(HashAlgorithm.SHA_256, HashAlgorithm.fromId("SHA-256"));
        assertEquals(HashAlgorithm.SHA_256, HashAlgorithm.fromId("sha256"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HashAlgorithm.fromId("md5"));
        assertTrue(e.getMessage().contains("BLAKE3, SHA-256, SHA-512"));
    }

    @Test
    void keyAndAeadIdsParseByIdOrName() {
        assertEquals(KeyAlgorithm.ML_DSA_87, KeyAlgorithm.fromId("ml-dsa-87"));
        assertEquals(KeyAlgorithm.ECDSA_P256, KeyAlgorithm.fromId("ECDSA_P256"));
        assertEquals(AeadAlgorithm.AES_256_GCM, AeadAlgorithm.fromId("aes-256-gcm"));
        assertThrows(IllegalArgumentException.class, () -> KeyAlgorithm.fromId("rsa"));
        assertThrows(IllegalArgumentException.class, () -> AeadAlgorithm.fromId(null));
    }

    @Test
    void deriveKeyContextRules() {
        assertEquals(5, HashService.checkDeriveKeyContext("hello").length);
        assertEquals(4, HashService.checkDeriveKeyContext("\uD83D\uDE00").length); // one 4-byte UTF-8 character
        assertThrows(IllegalArgumentException.class, () -> HashService.checkDeriveKeyContext(""));
        assertThrows(IllegalArgumentException.class, () -> HashService.checkDeriveKeyContext("a\u0000b"));
        assertThrows(IllegalArgumentException.class, () -> HashService.checkDeriveKeyContext("\uD83D"));
        assertThrows(IllegalArgumentException.class, () -> HashService.checkDeriveKeyContext("x".repeat(1025)));
    }
}
