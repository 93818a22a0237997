package io.aethercore.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.crypto.SignatureVerificationException;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyExistsException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.KeyNotFoundException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Contract of {@link KeyCustody}: generation of every algorithm the custody lists, signing verified by
 * an independent {@link SignatureService}, X25519 agreement, find / list / delete, label rules, typed
 * failures for foreign or deleted handles, and (for custodies that import) RFC 8032 known answers and
 * the absence of private key material in {@code toString}.
 *
 * <p>{@link #custody()} is called once per test (JUnit makes a new instance of the test class for
 * each test) and must return a custody that holds no keys yet.
 */
public abstract class KeyCustodyContract {

    /** A custody without keys, used for one test. */
    protected abstract KeyCustody custody();

    /** A signature verifier for every signature algorithm the custody generates. */
    protected abstract SignatureService signatureService();

    /**
     * A second instance of the custody of this test, over the same store (directory, token, TPM), as
     * after a restart; or {@code null} for a custody without a persistent store, which leaves out {@link
     * #keysSurviveReopening()}. Called after {@link #custody()}, at most once per test.
     */
    protected abstract KeyCustody reopened();

    /**
     * Whether the custody signs the empty message with keys of {@code algorithm}. {@code true} unless a
     * device cannot (a PKCS#11 token reached through a JNI layer that passes zero-length data as a NULL
     * pointer answers {@code CKR_ARGUMENTS_BAD}); then {@link #generateSignAndVerifyEveryAlgorithm()}
     * requires an {@link IllegalArgumentException} instead of a signature, never a wrong signature.
     */
    protected boolean signsEmptyMessage(KeyAlgorithm algorithm) {
        return true;
    }

    private KeyCustody custody;

    private KeyCustody c() {
        if (custody == null) {
            custody = custody();
            assertNotNull(custody, "custody()");
        }
        return custody;
    }

    private static final byte[] MESSAGE = "AetherCore custody contract".getBytes(StandardCharsets.UTF_8);

    /** PKCS#8 DER of an Ed25519 private key without the 32-byte seed (RFC 8410). */
    private static final byte[] ED25519_PKCS8_PREFIX = Vectors.hex("302e020100300506032b657004220420");

    private List<KeyAlgorithm> signing() {
        List<KeyAlgorithm> out = new ArrayList<>();
        for (KeyAlgorithm a : c().algorithms()) {
            if (a.purpose() == KeyAlgorithm.Purpose.SIGNATURE) {
                out.add(a);
            }
        }
        return out;
    }

    private static String label(KeyAlgorithm a) {
        return "k-" + a.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    // ------------------------------------------------------------------------------------ the basics

    @Test
    void describesItself() {
        KeyCustody k = c();
        assertNotNull(k.name());
        assertNotNull(k.kind());
        assertFalse(k.algorithms().isEmpty());
        for (KeyAlgorithm a : k.algorithms()) {
            assertTrue(a.purpose() != KeyAlgorithm.Purpose.KEM, "custodies hold signature and agreement keys, not " + a.id());
        }
    }

    @Test
    void generateSignAndVerifyEveryAlgorithm() throws Exception {
        KeyCustody k = c();
        SignatureService verifier = signatureService();
        for (KeyAlgorithm a : signing()) {
            KeyHandle h = k.generate(a, label(a));
            assertEquals(k.name(), h.custody(), a.id());
            assertEquals(k.kind(), h.kind(), a.id());
            assertEquals(label(a), h.label(), a.id());
            assertEquals(a, h.algorithm(), a.id());
            assertEquals(a.publicKeyLength(), h.publicKey().length(), a.id());
            byte[] sig = k.sign(h, MESSAGE);
            assertEquals(a.signatureLength(), sig.length, a.id() + " signature length");
            assertDoesNotThrow(() -> verifier.verify(h.publicKey(), MESSAGE, sig), a.id() + " signature verifies");
            assertThrows(SignatureVerificationException.class,
                    () -> verifier.verify(h.publicKey(), Tck.flip(MESSAGE, 3), sig), a.id() + " other message");
            if (signsEmptyMessage(a)) {
                byte[] empty = k.sign(h, new byte[0]);
                assertDoesNotThrow(() -> verifier.verify(h.publicKey(), new byte[0], empty), a.id() + " empty message");
            } else {
                assertThrows(IllegalArgumentException.class, () -> k.sign(h, new byte[0]),
                        a.id() + ": a custody that cannot sign the empty message says so");
            }
        }
        for (KeyAlgorithm a : KeyAlgorithm.values()) {
            if (!k.algorithms().contains(a)) {
                assertThrows(IllegalArgumentException.class, () -> k.generate(a, "not-served"), a.id() + " is not served");
            }
        }
    }

    @Test
    void x25519KeysAgree() throws Exception {
        KeyCustody k = c();
        if (!k.algorithms().contains(KeyAlgorithm.X25519)) {
            return;
        }
        KeyHandle a = k.generate(KeyAlgorithm.X25519, "dh-a");
        KeyHandle b = k.generate(KeyAlgorithm.X25519, "dh-b");
        byte[] ab = k.agree(a, b.publicKey());
        assertEquals(32, ab.length);
        assertArrayEquals(ab, k.agree(b, a.publicKey()), "both sides agree");
        assertThrows(IllegalArgumentException.class, () -> k.sign(a, MESSAGE), "X25519 keys do not sign");
        RawPublicKey asEd25519 = RawPublicKey.of(KeyAlgorithm.ED25519, b.publicKey().encoded());
        assertThrows(MalformedKeyException.class, () -> k.agree(a, asEd25519), "peer key of another algorithm");
    }

    @Test
    void keysSurviveReopening() throws Exception {
        KeyCustody k = c();
        List<KeyHandle> made = new ArrayList<>();
        for (KeyAlgorithm a : k.algorithms()) {
            made.add(k.generate(a, label(a)));
        }
        KeyCustody again = reopened();
        if (again == null) {
            return; // no persistent store (see reopened())
        }
        assertEquals(k.name(), again.name());
        assertEquals(new HashSet<>(made), new HashSet<>(again.list()), "the reopened custody lists the same keys");
        for (KeyHandle h : made) {
            assertEquals(h, again.find(h.label()).orElseThrow(), h.label());
            if (h.algorithm().purpose() == KeyAlgorithm.Purpose.SIGNATURE) {
                byte[] sig = again.sign(h, MESSAGE);
                assertDoesNotThrow(() -> signatureService().verify(h.publicKey(), MESSAGE, sig),
                        h.label() + ": a key read back from the store signs verifiably");
            } else if (h.algorithm() == KeyAlgorithm.X25519) {
                assertArrayEquals(k.agree(h, h.publicKey()), again.agree(h, h.publicKey()),
                        h.label() + ": a key read back from the store agrees as before");
            }
        }
    }

    // ---------------------------------------------------------------------------- find / list / delete

    @Test
    void findListAndDelete() throws Exception {
        KeyCustody k = c();
        assertTrue(k.list().isEmpty(), "a fresh custody is empty");
        List<KeyHandle> made = new ArrayList<>();
        for (KeyAlgorithm a : k.algorithms()) {
            made.add(k.generate(a, label(a)));
        }
        assertEquals(new HashSet<>(made), new HashSet<>(k.list()), "list() returns every key");
        for (KeyHandle h : made) {
            Optional<KeyHandle> found = k.find(h.label());
            assertTrue(found.isPresent(), h.label());
            assertEquals(h, found.get());
            assertEquals(h.publicKey(), found.get().publicKey());
        }
        assertEquals(Optional.empty(), k.find("no-such-key"));

        KeyHandle gone = made.get(0);
        k.delete(gone);
        assertEquals(Optional.empty(), k.find(gone.label()), "deleted key is gone");
        assertFalse(k.list().contains(gone));
        assertEquals(made.size() - 1, k.list().size());
        assertThrows(KeyNotFoundException.class, () -> k.delete(gone), "deleting twice");
        if (gone.algorithm().purpose() == KeyAlgorithm.Purpose.SIGNATURE) {
            assertThrows(KeyNotFoundException.class, () -> k.sign(gone, MESSAGE), "signing with a deleted key");
        }
        // the label is free again, for a new key
        KeyHandle again = k.generate(gone.algorithm(), gone.label());
        assertFalse(again.publicKey().equals(gone.publicKey()), "a new key, not the deleted one");
        if (gone.algorithm().purpose() == KeyAlgorithm.Purpose.SIGNATURE) {
            assertThrows(KeyNotFoundException.class, () -> k.sign(gone, MESSAGE),
                    "the old handle does not reach the new key under the same label");
        }
    }

    @Test
    void labelsAreNeverOverwritten() throws Exception {
        KeyCustody k = c();
        List<KeyAlgorithm> sig = signing();
        KeyAlgorithm a = sig.isEmpty() ? k.algorithms().iterator().next() : sig.get(0);
        KeyHandle h = k.generate(a, "taken");
        for (KeyAlgorithm b : k.algorithms()) {
            assertThrows(KeyExistsException.class, () -> k.generate(b, "taken"), "generate " + b.id() + " under a taken label");
        }
        assertEquals(h, k.find("taken").orElseThrow(), "the first key is untouched");
        if (a.purpose() == KeyAlgorithm.Purpose.SIGNATURE) {
            byte[] s = k.sign(h, MESSAGE);
            assertDoesNotThrow(() -> signatureService().verify(h.publicKey(), MESSAGE, s));
        }
        Throwable t = Tck.thrownBy(() -> k.importPkcs8("taken", Tck.concat(ED25519_PKCS8_PREFIX, new byte[32])));
        assertTrue(t instanceof KeyExistsException || t instanceof UnsupportedOperationException,
                "import under a taken label: KeyExistsException (or UnsupportedOperationException), got " + t);
    }

    @Test
    void badLabelsAreIllegalArguments() throws Exception {
        KeyCustody k = c();
        KeyAlgorithm a = k.algorithms().iterator().next();
        String[] bad = {"../x", "", ".hidden", "a".repeat(65), "a/b", "a\\b", "a b", "key\u0000", "clé", ".", ".."};
        for (String label : bad) {
            assertThrows(IllegalArgumentException.class, () -> k.generate(a, label), "generate '" + label + "'");
            assertThrows(IllegalArgumentException.class, () -> k.find(label), "find '" + label + "'");
        }
        assertThrows(IllegalArgumentException.class, () -> k.generate(a, null), "null label");
        assertTrue(k.list().isEmpty(), "nothing was created by rejected labels");
        // the limits are fine (find validates a label like generate does, without making a key)
        assertEquals("a".repeat(64), k.generate(a, "a".repeat(64)).label());
        for (String good : new String[] {"A_b-c.9", "-dash", "_", "x.", "0"}) {
            assertEquals(Optional.empty(), assertDoesNotThrow(() -> k.find(good), "label '" + good + "'"));
        }
    }

    // --------------------------------------------------------------------------- foreign/stale handles

    @Test
    void handlesOfOtherCustodiesOrStaleHandlesAreNotFound() throws Exception {
        KeyCustody k = c();
        List<KeyAlgorithm> sig = signing();
        if (sig.isEmpty()) {
            return;
        }
        KeyAlgorithm a = sig.get(0);
        KeyHandle h = k.generate(a, "mine");
        KeyHandle otherCustody = new KeyHandle(k.name() + "-other", h.kind(), h.label(), h.publicKey(), Instant.now());
        assertThrows(KeyNotFoundException.class, () -> k.sign(otherCustody, MESSAGE), "handle of another custody");
        assertThrows(KeyNotFoundException.class, () -> k.delete(otherCustody), "delete with a handle of another custody");

        KeyHandle otherKey = k.generate(a, "theirs");
        KeyHandle forged = new KeyHandle(k.name(), h.kind(), h.label(), otherKey.publicKey(), Instant.now());
        assertThrows(KeyNotFoundException.class, () -> k.sign(forged, MESSAGE), "label of one key, public key of another");

        KeyHandle missing = new KeyHandle(k.name(), h.kind(), "never-made", h.publicKey(), Instant.now());
        assertThrows(KeyNotFoundException.class, () -> k.sign(missing, MESSAGE), "a label that does not exist");

        k.delete(h);
        assertThrows(KeyNotFoundException.class, () -> k.sign(h, MESSAGE), "deleted key");
        assertTrue(k.find("theirs").isPresent(), "other keys stay");
    }

    // ------------------------------------------------------------------------------------------ imports

    @Test
    void importedRfc8032KeysSignTheKnownAnswers() throws Exception {
        KeyCustody k = c();
        if (!k.algorithms().contains(KeyAlgorithm.ED25519)) {
            return;
        }
        int i = 0;
        for (JsonNode v : Vectors.array(Vectors.load("rfc8032_ed25519.json"), "vectors")) {
            byte[] seed = Vectors.hex(v, "secretKey");
            KeyHandle h;
            try {
                h = k.importPkcs8("rfc8032-" + i++, Tck.concat(ED25519_PKCS8_PREFIX, seed));
            } catch (UnsupportedOperationException e) {
                return; // this custody does not import keys (allowed by the API); nothing more to check here
            }
            String name = Vectors.text(v, "name");
            assertEquals(KeyAlgorithm.ED25519, h.algorithm(), name);
            assertArrayEquals(Vectors.hex(v, "publicKey"), h.publicKey().encoded(), name + " public key");
            assertArrayEquals(Vectors.hex(v, "signature"), k.sign(h, Vectors.hex(v, "message")), name + " signature");
            assertNoPrivateMaterial(seed, h, k);
        }
    }

    /** The private key bytes of an imported key appear nowhere in the text of the handle or the custody. */
    private static void assertNoPrivateMaterial(byte[] secret, KeyHandle h, KeyCustody k) throws Exception {
        List<String> needles = List.of(
                Vectors.toHex(secret),
                Vectors.toHex(secret).toUpperCase(Locale.ROOT),
                Vectors.toHex(secret).substring(0, 16),
                Base64.getEncoder().encodeToString(secret).substring(0, 20),
                Base64.getEncoder().encodeToString(Tck.concat(ED25519_PKCS8_PREFIX, secret)),
                new String(secret, StandardCharsets.ISO_8859_1));
        List<String> texts = new ArrayList<>(List.of(h.toString(), k.toString(), String.valueOf(k.find(h.label()))));
        for (KeyHandle listed : k.list()) {
            texts.add(listed.toString());
        }
        for (String text : texts) {
            for (String needle : needles) {
                assertFalse(text.contains(needle), "private key material in '" + text + "'");
            }
        }
    }

    @Test
    void malformedImportsAreRejected() throws Exception {
        KeyCustody k = c();
        byte[] good = Tck.concat(ED25519_PKCS8_PREFIX, new byte[32]);
        Throwable probe = Tck.thrownBy(() -> k.importPkcs8("probe", good));
        if (probe instanceof UnsupportedOperationException) {
            return; // this custody does not import keys (allowed by the API)
        }
        byte[][] bad = {
            new byte[0],
            new byte[] {0x30, 0x00},
            "not DER at all".getBytes(StandardCharsets.US_ASCII),
            java.util.Arrays.copyOf(good, good.length - 1),
            // rsaEncryption (1.2.840.113549.1.1.1) with a body that is no RSA key
            Vectors.hex("3034020100300d06092a864886f70d0101010500" + "0420" + "00".repeat(32)),
            // a well-formed Ed448 key (1.3.101.113): an algorithm no custody serves
            Vectors.hex("3047020100300506032b6571043b0439" + "01".repeat(57)),
        };
        for (int i = 0; i < bad.length; i++) {
            byte[] b = bad[i];
            Throwable t = Tck.thrownBy(() -> k.importPkcs8("bad-" + b.length, b));
            assertTrue(t instanceof MalformedKeyException, "malformed PKCS#8 #" + i + ": expected MalformedKeyException, got " + t);
        }
        Set<String> labels = new HashSet<>();
        for (KeyHandle h : k.list()) {
            labels.add(h.label());
        }
        assertFalse(labels.stream().anyMatch(l -> l.startsWith("bad-")), "nothing was stored for rejected imports");
    }

    // ----------------------------------------------------------------------------------- thread safety

    @Test
    void concurrentSigning() throws Exception {
        KeyCustody k = c();
        List<KeyAlgorithm> sig = signing();
        if (sig.isEmpty()) {
            return;
        }
        KeyHandle h = k.generate(sig.get(0), "shared");
        SignatureService verifier = signatureService();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                Callable<Boolean> job = () -> {
                    for (int i = 0; i < 10; i++) {
                        byte[] msg = ("message " + thread + "/" + i).getBytes(StandardCharsets.UTF_8);
                        verifier.verify(h.publicKey(), msg, k.sign(h, msg));
                    }
                    return true;
                };
                results.add(pool.submit(job));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
