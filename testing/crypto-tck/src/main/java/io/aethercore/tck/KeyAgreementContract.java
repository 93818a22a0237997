package io.aethercore.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.EphemeralKeyPair;
import io.aethercore.api.crypto.KeyAgreementException;
import io.aethercore.api.crypto.KeyAgreementService;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Contract of {@link KeyAgreementService} (X25519, RFC 7748) and of X25519 agreement in a {@link
 * KeyCustody}.
 *
 * <p>The RFC 7748 and Wycheproof vectors need a fixed private key, which the service's ephemeral keys
 * cannot take. They run through {@link #custodyForImports()}: each private scalar is imported as PKCS#8
 * and used with {@link KeyCustody#agree}. A subclass whose provider has no importing custody returns
 * {@code null}, and only those vector tests then do nothing (this is the one part of the TCK that may
 * be left out; everything that needs no fixed private key still runs).
 */
public abstract class KeyAgreementContract {

    /** The provider under test. */
    protected abstract KeyAgreementService keyAgreementService();

    /**
     * A custody that can {@linkplain KeyCustody#importPkcs8 import} X25519 keys, for the known-answer
     * tests; {@code null} to leave those out. Imported keys are deleted again at the end of each test.
     */
    protected abstract KeyCustody custodyForImports();

    /** PKCS#8 DER of an X25519 private key, without the 32-byte scalar (RFC 8410). */
    private static final byte[] X25519_PKCS8_PREFIX = Vectors.hex("302e020100300506032b656e04220420");

    /** PKCS#8 DER of an X25519 private key (RFC 8410). */
    protected static byte[] x25519Pkcs8(byte[] scalar) {
        assertEquals(32, scalar.length, "X25519 private key length");
        return Tck.concat(X25519_PKCS8_PREFIX, scalar);
    }

    private static RawPublicKey x25519(byte[] raw) throws MalformedKeyException {
        return RawPublicKey.of(KeyAlgorithm.X25519, raw);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** Public keys of the Wycheproof vectors whose shared secret is all zero (low-order points). */
    private static List<byte[]> lowOrderPublicKeys() {
        List<byte[]> out = new ArrayList<>();
        for (Vectors.WycheproofTest t : Vectors.wycheproof("x25519_test.json")) {
            if (allZero(t.hex("shared"))) {
                out.add(t.hex("public"));
            }
        }
        assertFalse(out.isEmpty(), "the Wycheproof file has low-order public keys");
        return out;
    }

    // ----------------------------------------------------------------------------------- ephemeral keys

    @Test
    void servesX25519Only() {
        KeyAgreementService s = keyAgreementService();
        assertFalse(s.algorithms().isEmpty());
        for (KeyAlgorithm a : s.algorithms()) {
            assertEquals(KeyAlgorithm.Purpose.KEY_AGREEMENT, a.purpose(), a.id());
        }
        for (KeyAlgorithm a : KeyAlgorithm.values()) {
            if (!s.algorithms().contains(a)) {
                assertThrows(IllegalArgumentException.class, () -> s.generateEphemeral(a), a.id());
            }
        }
    }

    @Test
    void ephemeralPairsAgreeBothWays() throws Exception {
        KeyAgreementService s = keyAgreementService();
        try (EphemeralKeyPair a = s.generateEphemeral(KeyAlgorithm.X25519);
                EphemeralKeyPair b = s.generateEphemeral(KeyAlgorithm.X25519)) {
            assertEquals(KeyAlgorithm.X25519, a.publicKey().algorithm());
            assertEquals(32, a.publicKey().length());
            assertNotEquals(a.publicKey(), b.publicKey(), "two fresh pairs have different keys");
            byte[] ab = a.agree(b.publicKey());
            byte[] ba = b.agree(a.publicKey());
            assertEquals(32, ab.length);
            assertArrayEquals(ab, ba, "both sides compute the same secret");
            assertFalse(allZero(ab));
            assertArrayEquals(ab, a.agree(b.publicKey()), "agree is repeatable");
            try (EphemeralKeyPair c = s.generateEphemeral(KeyAlgorithm.X25519)) {
                assertFalse(Arrays.equals(ab, c.agree(b.publicKey())), "another pair gives another secret");
            }
        }
    }

    @Test
    void lowOrderPeersGiveKeyAgreementException() throws Exception {
        KeyAgreementService s = keyAgreementService();
        try (EphemeralKeyPair a = s.generateEphemeral(KeyAlgorithm.X25519)) {
            assertThrows(KeyAgreementException.class, () -> a.agree(x25519(new byte[32])), "u = 0");
            for (byte[] p : lowOrderPublicKeys()) {
                Throwable t = Tck.thrownBy(() -> a.agree(x25519(p)));
                assertTrue(t instanceof KeyAgreementException,
                        "low-order public key " + Vectors.toHex(p) + ": expected KeyAgreementException, got " + t);
            }
        }
    }

    @Test
    void peerKeysOfAnotherAlgorithmAreMalformed() throws Exception {
        KeyAgreementService s = keyAgreementService();
        try (EphemeralKeyPair a = s.generateEphemeral(KeyAlgorithm.X25519);
                EphemeralKeyPair b = s.generateEphemeral(KeyAlgorithm.X25519)) {
            RawPublicKey asEd25519 = RawPublicKey.of(KeyAlgorithm.ED25519, b.publicKey().encoded());
            assertThrows(MalformedKeyException.class, () -> a.agree(asEd25519));
        }
    }

    @Test
    void closedPairsRefuseToAgree() throws Exception {
        KeyAgreementService s = keyAgreementService();
        EphemeralKeyPair a = s.generateEphemeral(KeyAlgorithm.X25519);
        try (EphemeralKeyPair b = s.generateEphemeral(KeyAlgorithm.X25519)) {
            a.agree(b.publicKey());
            a.close();
            a.close(); // idempotent
            assertThrows(IllegalStateException.class, () -> a.agree(b.publicKey()));
            assertEquals(KeyAlgorithm.X25519, a.publicKey().algorithm(), "the public key stays readable");
        }
    }

    // ------------------------------------------------------------------------- known answers (imports)

    /** Imports scalars into the custody under unique labels and deletes them afterwards. */
    private static final class Imports implements AutoCloseable {
        private final KeyCustody custody;
        private final String prefix = "tck-x25519-" + Long.toString(System.nanoTime(), 36) + "-";
        private final Map<String, KeyHandle> byScalar = new HashMap<>();

        Imports(KeyCustody custody) {
            this.custody = custody;
        }

        KeyHandle of(byte[] scalar) throws CryptoException {
            String hex = Vectors.toHex(scalar);
            KeyHandle h = byScalar.get(hex);
            if (h == null) {
                h = custody.importPkcs8(prefix + byScalar.size(), x25519Pkcs8(scalar));
                assertEquals(KeyAlgorithm.X25519, h.algorithm(), "imported key algorithm");
                byScalar.put(hex, h);
            }
            return h;
        }

        @Override
        public void close() throws CryptoException {
            for (KeyHandle h : byScalar.values()) {
                custody.delete(h);
            }
        }
    }

    @Test
    void rfc7748Vectors() throws Exception {
        KeyCustody custody = custodyForImports();
        if (custody == null) {
            return; // no importing custody for this provider: the fixed-key vectors cannot run
        }
        JsonNode root = Vectors.load("rfc7748_x25519.json");
        try (Imports imports = new Imports(custody)) {
            // 5.2: scalar multiplication vectors (the second has the top bit of u set, which must be masked)
            for (JsonNode v : Vectors.array(root, "scalarMult")) {
                KeyHandle h = imports.of(Vectors.hex(v, "scalar"));
                assertArrayEquals(Vectors.hex(v, "output"), custody.agree(h, x25519(Vectors.hex(v, "uCoordinate"))),
                        Vectors.text(v, "name"));
            }
            // 5.2: the first step of the iteration k = u = 9
            JsonNode it = root.get("iterated");
            byte[] start = Vectors.hex(it, "start");
            assertArrayEquals(Vectors.hex(it, "after1"), custody.agree(imports.of(start), x25519(start)), "5.2 after one iteration");

            // 6.1: Diffie-Hellman
            JsonNode dh = root.get("diffieHellman");
            KeyHandle alice = imports.of(Vectors.hex(dh, "alicePrivate"));
            KeyHandle bob = imports.of(Vectors.hex(dh, "bobPrivate"));
            assertArrayEquals(Vectors.hex(dh, "alicePublic"), alice.publicKey().encoded(), "6.1 Alice's public key");
            assertArrayEquals(Vectors.hex(dh, "bobPublic"), bob.publicKey().encoded(), "6.1 Bob's public key");
            byte[] k = Vectors.hex(dh, "sharedSecret");
            assertArrayEquals(k, custody.agree(alice, x25519(Vectors.hex(dh, "bobPublic"))), "6.1 Alice's side");
            assertArrayEquals(k, custody.agree(bob, x25519(Vectors.hex(dh, "alicePublic"))), "6.1 Bob's side");

            // the service's ephemeral keys interoperate with the custody's static keys
            try (EphemeralKeyPair e = keyAgreementService().generateEphemeral(KeyAlgorithm.X25519)) {
                assertArrayEquals(e.agree(alice.publicKey()), custody.agree(alice, e.publicKey()),
                        "ephemeral (service) and static (custody) sides agree");
            }
            assertThrows(KeyAgreementException.class, () -> custody.agree(alice, x25519(new byte[32])),
                    "custody agree with u = 0");
        }
    }

    @Test
    void wycheproofX25519() throws Exception {
        KeyCustody custody = custodyForImports();
        if (custody == null) {
            return; // no importing custody for this provider: the fixed-key vectors cannot run
        }
        Vectors.Failures f = new Vectors.Failures("Wycheproof X25519");
        try (Imports imports = new Imports(custody)) {
            for (Vectors.WycheproofTest t : Vectors.wycheproof("x25519_test.json")) {
                f.checked();
                byte[] shared = t.hex("shared");
                Object outcome;
                try {
                    KeyHandle h = imports.of(t.hex("private"));
                    outcome = custody.agree(h, x25519(t.hex("public")));
                } catch (Throwable e) {
                    outcome = e;
                }
                if (allZero(shared)) {
                    // RFC 7748 6.1: the all-zero value must be refused
                    if (!(outcome instanceof KeyAgreementException)) {
                        f.add(t.describe() + ": all-zero shared secret, expected KeyAgreementException, got " + show(outcome));
                    }
                } else if (outcome instanceof byte[] b) {
                    if (t.result().equals("invalid")) {
                        f.add(t.describe() + ": invalid case accepted");
                    } else if (!Arrays.equals(shared, b)) {
                        f.add(t.describe() + ": shared secret " + Vectors.toHex(b) + ", expected " + Vectors.toHex(shared));
                    }
                } else if (t.result().equals("valid")) {
                    f.add(t.describe() + ": valid case failed with " + outcome);
                } else if (!Tck.isOneOf((Throwable) outcome, KeyAgreementException.class, MalformedKeyException.class)) {
                    f.add(t.describe() + ": wrong exception type " + outcome);
                }
            }
        }
        f.assertNone(500);
    }

    private static String show(Object outcome) {
        return outcome instanceof byte[] b ? "secret " + Vectors.toHex(b) : String.valueOf(outcome);
    }
}
