package io.aethercore.merkle.internal;

import io.aethercore.formats.merkle.CheckpointNotes;
import static io.aethercore.merkle.internal.MerkleTestSupport.hex;
import static io.aethercore.merkle.internal.MerkleTestSupport.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.crypto.SignatureVerificationException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.merkle.Checkpoint;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.InvalidProofException;
import io.aethercore.formats.merkle.MerkleProofs;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.crypto.internal.BcSignatures;
import io.aethercore.crypto.internal.SoftwareKeyCustody;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/** Checkpoint text (C2SP tlog-checkpoint with a timestamp line) and C2SP signed notes over it. */
class CheckpointTest {

    static final String ORIGIN = "node-7.aethercore/audit";
    static final byte[] ROOT = new byte[32];
    static final Instant TS = Instant.parse("2025-03-14T15:09:26.535897932Z");
    static final String ROOT_B64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    static {
        for (int i = 0; i < 32; i++) {
            ROOT[i] = (byte) i;
        }
    }

    @TempDir
    static Path keys;

    static SoftwareKeyCustody custody;
    static final BcSignatures verifier = new BcSignatures();
    static KeyHandle ed25519;
    static KeyHandle ed25519Other;
    static KeyHandle p256;
    static KeyHandle mlDsa;

    @BeforeAll
    static void keys() throws Exception {
        custody = new SoftwareKeyCustody("test", keys.resolve("custody"), null, new SecureRandom());
        ed25519 = custody.generate(KeyAlgorithm.ED25519, "ed");
        ed25519Other = custody.generate(KeyAlgorithm.ED25519, "ed-other");
        p256 = custody.generate(KeyAlgorithm.ECDSA_P256, "p256");
        mlDsa = custody.generate(KeyAlgorithm.ML_DSA_87, "mldsa");
    }

    static Checkpoint cp() {
        return new Checkpoint(ORIGIN, 1234567, ROOT, TS);
    }

    static void invalid(Executable e, String what) {
        assertThrows(InvalidProofException.class, e, what);
    }

    // ------------------------------------------------------------ checkpoint text

    @Test
    void bodyIsExactText() {
        assertEquals(ROOT_B64, Base64.getEncoder().encodeToString(ROOT));
        assertEquals("node-7.aethercore/audit\n1234567\n" + ROOT_B64 + "\ntimestamp 2025-03-14T15:09:26.535897932Z\n",
                CheckpointNotes.body(cp()));
        assertEquals("o\n0\n" + ROOT_B64 + "\ntimestamp 2025-03-14T15:09:26Z\n",
                CheckpointNotes.body(new Checkpoint("o", 0, ROOT, Instant.parse("2025-03-14T15:09:26Z"))));
        assertEquals("o\n9223372036854775807\n" + ROOT_B64 + "\ntimestamp 1970-01-01T00:00:00.001Z\n",
                CheckpointNotes.body(new Checkpoint("o", Long.MAX_VALUE, ROOT, Instant.ofEpochMilli(1))));
    }

    @Test
    void parseRoundTrip() throws Exception {
        for (Checkpoint c : List.of(cp(), new Checkpoint("o", 0, new byte[32], Instant.EPOCH),
                new Checkpoint("x/y.z", Long.MAX_VALUE, ROOT, Instant.parse("2999-12-31T23:59:59.999999Z")))) {
            Checkpoint parsed = CheckpointNotes.parseBody(CheckpointNotes.body(c));
            assertEquals(c, parsed);
            assertEquals(CheckpointNotes.body(c), CheckpointNotes.body(parsed));
            assertArrayEquals(c.root(), parsed.root());
            assertEquals(c.size(), parsed.size());
            assertEquals(c.origin(), parsed.origin());
            assertEquals(c.timestamp(), parsed.timestamp());
        }
    }

    @Test
    void strictParsing() {
        String ok = CheckpointNotes.body(cp());
        String ts = "timestamp 2025-03-14T15:09:26.535897932Z\n";
        String[] bad = {
            ok.substring(0, ok.length() - 1), // no final newline
            ORIGIN + "\n01\n" + ROOT_B64 + "\n" + ts, // non-canonical size
            ORIGIN + "\n00\n" + ROOT_B64 + "\n" + ts,
            ORIGIN + "\n-1\n" + ROOT_B64 + "\n" + ts,
            ORIGIN + "\n+1\n" + ROOT_B64 + "\n" + ts,
            ORIGIN + "\n 1\n" + ROOT_B64 + "\n" + ts,
            ORIGIN + "\n1.0\n" + ROOT_B64 + "\n" + ts,
            ORIGIN + "\n\n" + ROOT_B64 + "\n" + ts,
            ORIGIN + "\n9223372036854775808\n" + ROOT_B64 + "\n" + ts, // 2^63
            ORIGIN + "\n99999999999999999999\n" + ROOT_B64 + "\n" + ts,
            ORIGIN + "\n1\n!!!!" + ROOT_B64.substring(4) + "\n" + ts, // bad base64
            ORIGIN + "\n1\n" + ROOT_B64.substring(0, 43) + "\n" + ts, // bad padding
            ORIGIN + "\n1\n" + ROOT_B64.replace("Hh8=", "Hh9=") + "\n" + ts, // non-canonical base64 of the same bytes
            ORIGIN + "\n1\n" + Base64.getEncoder().encodeToString(new byte[31]) + "\n" + ts, // wrong root length
            ORIGIN + "\n1\n" + Base64.getEncoder().encodeToString(new byte[33]) + "\n" + ts,
            ORIGIN + "\n1\n" + Base64.getEncoder().encodeToString(new byte[64]) + "\n" + ts,
            ORIGIN + "\n1\n" + ROOT_B64 + "\n", // missing timestamp
            ORIGIN + "\n1\n" + ROOT_B64 + "\nnot a timestamp\n",
            ORIGIN + "\n1\n" + ROOT_B64 + "\ntimestamp yesterday\n",
            ORIGIN + "\n1\n" + ROOT_B64 + "\ntimestamp \n",
            ORIGIN + "\n1\n" + ROOT_B64 + "\ntimestamp 2025-03-14 15:09:26Z\n",
            ORIGIN + "\n1\n" + ROOT_B64 + "\n\n" + ts, // empty line
            ORIGIN + "\n1\n" + ROOT_B64 + "\n" + ts + "\n",
            "\n1\n" + ROOT_B64 + "\n" + ts, // empty origin
            "node 7\n1\n" + ROOT_B64 + "\n" + ts, // space in origin
            "node\r\n1\n" + ROOT_B64 + "\n" + ts, // control characters
            "no\u0000de\n1\n" + ROOT_B64 + "\n" + ts,
            "node\u007f\n1\n" + ROOT_B64 + "\n" + ts,
            ORIGIN + "\n1\r\n" + ROOT_B64 + "\n" + ts,
            ORIGIN + "\n1\n" + ROOT_B64 + "\r\n" + ts,
            ORIGIN + "\n1\n" + ROOT_B64 + "\ntimestamp 2025-03-14T15:09:26Z\r\n",
            ORIGIN + "\n1\n" + ROOT_B64 + "\n" + ts + "ext\u0001ension\n",
            ORIGIN + "\n1\n" + ROOT_B64 + "\n" + ts + "tab\there\n",
            // a timestamp that means the same instant in another spelling: not the signed text
            ORIGIN + "\n1\n" + ROOT_B64 + "\ntimestamp 2025-03-14T15:09:26.000Z\n",
            ORIGIN + "\n1\n" + ROOT_B64 + "\ntimestamp 2025-03-14t15:09:26z\n",
            ORIGIN + "\n1\n" + ROOT_B64 + "\ntimestamp 2025-03-14T17:09:26+02:00\n",
            // extension lines this format does not define (they would not be covered by a verification)
            ORIGIN + "\n1\n" + ROOT_B64 + "\n" + ts + "witness example.com/w1\n",
            ORIGIN + "\n1\n" + ROOT_B64 + "\nextension first\n" + ts,
            ORIGIN + "\n1\n" + ROOT_B64 + "\n" + ts + ts, // twice
            ORIGIN + "\n1\n" + ROOT_B64 + "\n" + ts + "x".repeat(17 * 1024) + "\n", // oversized
            "o".repeat(20_000) + "\n1\n" + ROOT_B64 + "\n" + ts,
            "o".repeat(257) + "\n1\n" + ROOT_B64 + "\n" + ts, // origin too long
            "",
            "\n",
        };
        for (String b : bad) {
            invalid(() -> CheckpointNotes.parseBody(b), "must refuse: " + b.replace("\n", "\\n"));
        }
        invalid(() -> CheckpointNotes.parseBody(null), "null");
    }

    @Test
    void constructorChecks() {
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint("", 1, ROOT, TS));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint("a b", 1, ROOT, TS));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint("a\nb", 1, ROOT, TS));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint("o", -1, ROOT, TS));
        assertThrows(NullPointerException.class, () -> new Checkpoint("o", 1, null, TS));
        assertThrows(NullPointerException.class, () -> new Checkpoint("o", 1, ROOT, null));
        // defensive copies
        byte[] r = ROOT.clone();
        Checkpoint c = new Checkpoint("o", 1, r, TS);
        r[0] = 9;
        c.root()[1] = 9;
        assertArrayEquals(ROOT, c.root());
    }

    // ------------------------------------------------------------ signed notes

    static String note(KeyHandle k) {
        return switch (k.algorithm()) {
            case ED25519 -> "ed25519.example/log";
            case ECDSA_P256 -> "p256.example/log";
            default -> "mldsa.example/log";
        };
    }

    @Test
    void signParseVerifyWithEachAlgorithm() throws Exception {
        for (KeyHandle k : List.of(ed25519, p256, mlDsa)) {
            String name = note(k);
            SignedCheckpoint s = CheckpointNotes.sign(cp(), name, custody, k);
            String text = CheckpointNotes.toNote(s);
            assertTrue(text.startsWith(CheckpointNotes.body(cp()) + "\n\u2014 " + name + " "), text);
            assertTrue(text.endsWith("\n") && text.split("\n").length == 6, text);
            SignedCheckpoint parsed = CheckpointNotes.parse(text);
            SignedCheckpoint parsedBytes = CheckpointNotes.parse(text.getBytes(StandardCharsets.UTF_8));
            assertEquals(text, CheckpointNotes.toNote(parsed));
            assertEquals(text, CheckpointNotes.toNote(parsedBytes));
            assertEquals(cp(), parsed.checkpoint());
            assertEquals(1, parsed.signatures().size());
            assertEquals(CheckpointNotes.keyId(name, k.publicKey()), parsed.signatures().get(0).keyId());
            CheckpointNotes.verify(parsed, name, k.publicKey(), verifier);
            CheckpointNotes.verify(s, name, k.publicKey(), verifier);
            // the key ID is the first four bytes of the base64 blob
            byte[] blob = Base64.getDecoder().decode(text.substring(text.lastIndexOf(' ') + 1, text.length() - 1));
            assertEquals(CheckpointNotes.keyId(name, k.publicKey()), new BigInteger(1, Arrays.copyOf(blob, 4)).intValue());
        }
        // signature sizes: Ed25519 64, ECDSA DER 70..72, ML-DSA-87 4627
        assertEquals(64, CheckpointNotes.sign(cp(), "n", custody, ed25519).signatures().get(0).signature().length);
        int der = CheckpointNotes.sign(cp(), "n", custody, p256).signatures().get(0).signature().length;
        assertTrue(der >= 8 && der <= 72, "DER length " + der);
        assertEquals(4627, CheckpointNotes.sign(cp(), "n", custody, mlDsa).signatures().get(0).signature().length);
    }

    @Test
    void wrongNameOrKeyDoesNotVerify() throws Exception {
        for (KeyHandle k : List.of(ed25519, p256, mlDsa)) {
            String name = note(k);
            SignedCheckpoint s = CheckpointNotes.parse(CheckpointNotes.toNote(CheckpointNotes.sign(cp(), name, custody, k)));
            invalid(() -> CheckpointNotes.verify(s, "other.example/log", k.publicKey(), verifier), "wrong name");
            invalid(() -> CheckpointNotes.verify(s, name, ed25519Other.publicKey(), verifier), "wrong key");
            for (KeyHandle other : List.of(ed25519, p256, mlDsa)) {
                if (other != k) {
                    invalid(() -> CheckpointNotes.verify(s, name, other.publicKey(), verifier), "key of another algorithm");
                }
            }
        }
    }

    /** Replaces line {@code i} (0-based) of a note. */
    static String replaceLine(String note, int i, String line) {
        String[] lines = note.split("\n", -1);
        lines[i] = line;
        return String.join("\n", lines);
    }

    @Test
    void tamperedNotesDoNotVerify() throws Exception {
        for (KeyHandle k : List.of(ed25519, p256, mlDsa)) {
            String name = note(k);
            String text = CheckpointNotes.toNote(CheckpointNotes.sign(cp(), name, custody, k));
            String[] tampered = {
                replaceLine(text, 0, "node-8.aethercore/audit"),
                replaceLine(text, 1, "1234568"),
                replaceLine(text, 1, "0"),
                replaceLine(text, 2, Base64.getEncoder().encodeToString(new byte[32])),
                replaceLine(text, 2, ROOT_B64.replace("AAEC", "AAED")),
                replaceLine(text, 3, "timestamp 2025-03-14T15:09:26.535897933Z"),
            };
            for (String t : tampered) {
                SignedCheckpoint s = CheckpointNotes.parse(t); // well-formed ...
                invalid(() -> CheckpointNotes.verify(s, name, k.publicKey(), verifier), k.algorithm() + ": " + t); // ... but not signed
            }
            // the signature itself: every byte flipped in a sample of positions, truncated, extended
            String sigLine = text.substring(text.lastIndexOf("\n\u2014 ") + 1, text.length() - 1);
            String prefix = "\u2014 " + name + " ";
            byte[] blob = Base64.getDecoder().decode(sigLine.substring(prefix.length()));
            int[] positions = {4, 5, 6, blob.length / 2, blob.length - 2, blob.length - 1};
            for (int pos : positions) {
                byte[] b = blob.clone();
                b[pos] ^= 0x01;
                String t = text.replace(sigLine, prefix + Base64.getEncoder().encodeToString(b));
                SignedCheckpoint s = CheckpointNotes.parse(t);
                invalid(() -> CheckpointNotes.verify(s, name, k.publicKey(), verifier), k.algorithm() + ": flipped signature byte " + pos);
            }
            for (byte[] b : List.of(Arrays.copyOf(blob, blob.length - 1), Arrays.copyOf(blob, blob.length + 1),
                    Arrays.copyOf(blob, 5))) {
                String t = text.replace(sigLine, prefix + Base64.getEncoder().encodeToString(b));
                SignedCheckpoint s = CheckpointNotes.parse(t);
                invalid(() -> CheckpointNotes.verify(s, name, k.publicKey(), verifier), k.algorithm() + ": signature of " + b.length + " bytes");
            }
            // a key ID flipped: the signature is then by an unknown key
            byte[] b = blob.clone();
            b[0] ^= 0x40;
            SignedCheckpoint s = CheckpointNotes.parse(text.replace(sigLine, prefix + Base64.getEncoder().encodeToString(b)));
            invalid(() -> CheckpointNotes.verify(s, name, k.publicKey(), verifier), "unknown key ID");
        }
    }

    /** Equivalent spellings of the signed text must not verify: the signature covers bytes, not values. */
    @Test
    void signedTextIsNotMalleable() throws Exception {
        String text = CheckpointNotes.toNote(CheckpointNotes.sign(cp(), "ed", custody, ed25519));
        String[] variants = {
            replaceLine(text, 3, "timestamp 2025-03-14t15:09:26.535897932z"),
            replaceLine(text, 3, "timestamp 2025-03-14T17:09:26.535897932+02:00"),
            text.replace(TS + "\n", TS + "\nunsigned extension\n"),
            text.replace(TS + "\n", TS + "\ntimestamp 2030-01-01T00:00:00Z\n"),
        };
        for (String v : variants) {
            assertNotEquals(text, v);
            Executable parseAndVerify = () -> CheckpointNotes.verify(CheckpointNotes.parse(v), "ed", ed25519.publicKey(), verifier);
            invalid(parseAndVerify, "accepted a note whose text was altered: " + v);
        }
    }

    @Test
    void malformedNotes() throws Exception {
        String text = CheckpointNotes.toNote(CheckpointNotes.sign(cp(), "ed", custody, ed25519));
        String sig = text.substring(text.lastIndexOf("\n\u2014 ") + 1);
        String body = CheckpointNotes.body(cp());
        String[] bad = {
            body, // no signature
            body + "\n", // blank line, no signature
            body + sig, // no blank line
            body + "\n" + sig.substring(0, sig.length() - 1), // no final newline
            body + "\n" + sig.replace("\u2014", "-"), // not an em dash
            body + "\n" + sig.replace("\u2014 ", "\u2014"),
            body + "\n" + sig.replace("\u2014 ed ", "\u2014 e d "), // spaces in the name
            body + "\n" + sig.replace("\u2014 ed ", "\u2014 e+d "), // plus in the name
            body + "\n" + sig.replace("\u2014 ed ", "\u2014  "), // empty name
            body + "\n" + sig.replace("\u2014 ed ", "\u2014 ed\u00a0"), // no-break space as separator
            body + "\n" + sig.substring(0, sig.length() - 1) + "!\n", // bad base64
            body + "\n\u2014 ed AAAA\n", // too short for key ID and signature
            body + "\n" + sig + "Unexpected line.\n",
            body + "\n" + sig + "\n",
            body + "\n" + sig.repeat(65), // too many signatures
            "\u0001" + body + "\n" + sig, // control characters
            body.replace("\n1234567\n", "\n1234567\r\n") + "\n" + sig,
            body + "\n" + sig.replace("\n", "\t\n"),
            ORIGIN + "\n01\n" + ROOT_B64 + "\ntimestamp " + TS + "\n\n" + sig, // a bad checkpoint inside
            "x".repeat(130 * 1024) + "\n\n" + sig, // oversized
        };
        for (String b : bad) {
            invalid(() -> CheckpointNotes.parse(b), "must refuse: " + b.replace("\n", "\\n"));
        }
        // the same signature bytes in non-canonical base64 (unused low bits of the last character set)
        String b64 = sig.substring(sig.lastIndexOf(' ') + 1, sig.length() - 1);
        assertTrue(b64.endsWith("="), b64); // 68 bytes: the last character carries 2 unused bits
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        int last = b64.indexOf('=') - 1;
        char changed = alphabet.charAt(alphabet.indexOf(b64.charAt(last)) ^ 1);
        String loose = b64.substring(0, last) + changed + b64.substring(last + 1);
        assertArrayEquals(Base64.getDecoder().decode(b64), Base64.getDecoder().decode(loose));
        invalid(() -> CheckpointNotes.parse(body + "\n" + sig.replace(b64, loose)), "non-canonical base64");
        invalid(() -> CheckpointNotes.parse((String) null), "null");
        invalid(() -> CheckpointNotes.parse((byte[]) null), "null bytes");
        byte[] notUtf8 = text.getBytes(StandardCharsets.UTF_8);
        notUtf8[notUtf8.length - 3] = (byte) 0xff;
        invalid(() -> CheckpointNotes.parse(notUtf8), "invalid UTF-8");
        byte[] overlong = text.replace("\u2014", "\u0000").getBytes(StandardCharsets.UTF_8);
        invalid(() -> CheckpointNotes.parse(overlong), "NUL instead of the dash");
        // up to 64 signatures are fine (the spec requires at least 16)
        SignedCheckpoint many = CheckpointNotes.parse(body + "\n" + sig.repeat(64));
        assertEquals(64, many.signatures().size());
        CheckpointNotes.verify(many, "ed", ed25519.publicKey(), verifier);
    }

    @Test
    void ed25519KeyIdComputedIndependently() throws Exception {
        String name = "node-7.aethercore/audit";
        byte[] pub = ed25519.publicKey().encoded();
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(name.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0x0a);
        md.update((byte) 0x01);
        md.update(pub);
        byte[] h = md.digest();
        int expected = ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
        assertEquals(expected, CheckpointNotes.keyId(name, ed25519.publicKey()));
        SignedCheckpoint s = CheckpointNotes.sign(cp(), name, custody, ed25519);
        assertEquals(expected, s.signatures().get(0).keyId());
        // ECDSA: type 0x02 and the SubjectPublicKeyInfo; ML-DSA-87: 0xff "ML-DSA-87" and the raw key
        md.update(name.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0x0a);
        md.update((byte) 0x02);
        md.update(p256.publicKey().toSpki());
        assertEquals(new BigInteger(1, Arrays.copyOf(md.digest(), 4)).intValue(), CheckpointNotes.keyId(name, p256.publicKey()));
        md.update(name.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0x0a);
        md.update((byte) 0xff);
        md.update("ML-DSA-87".getBytes(StandardCharsets.US_ASCII));
        md.update(mlDsa.publicKey().encoded());
        assertEquals(new BigInteger(1, Arrays.copyOf(md.digest(), 4)).intValue(), CheckpointNotes.keyId(name, mlDsa.publicKey()));
    }

    @Test
    void cosignaturesVerifyIndependently() throws Exception {
        SignedCheckpoint s = CheckpointNotes.cosign(CheckpointNotes.cosign(
                CheckpointNotes.sign(cp(), "log.example/a", custody, ed25519),
                "witness.example/b", custody, p256), "witness.example/c", custody, mlDsa);
        assertEquals(3, s.signatures().size());
        String text = CheckpointNotes.toNote(s);
        SignedCheckpoint parsed = CheckpointNotes.parse(text);
        assertEquals(text, CheckpointNotes.toNote(parsed));
        CheckpointNotes.verify(parsed, "log.example/a", ed25519.publicKey(), verifier);
        CheckpointNotes.verify(parsed, "witness.example/b", p256.publicKey(), verifier);
        CheckpointNotes.verify(parsed, "witness.example/c", mlDsa.publicKey(), verifier);
        invalid(() -> CheckpointNotes.verify(parsed, "witness.example/d", ed25519Other.publicKey(), verifier), "no such signer");
        // each signature stands alone: drop the others, it still verifies
        String[] lines = text.split("\n");
        String body = CheckpointNotes.body(cp()) + "\n";
        CheckpointNotes.verify(CheckpointNotes.parse(body + lines[5] + "\n"), "log.example/a", ed25519.publicKey(), verifier);
        CheckpointNotes.verify(CheckpointNotes.parse(body + lines[6] + "\n"), "witness.example/b", p256.publicKey(), verifier);
        CheckpointNotes.verify(CheckpointNotes.parse(body + lines[7] + "\n"), "witness.example/c", mlDsa.publicKey(), verifier);
        // a broken cosignature fails its own verification only
        String broken = text.replace(lines[6], lines[6].substring(0, 40) + (lines[6].charAt(40) == 'A' ? 'B' : 'A')
                + lines[6].substring(41));
        SignedCheckpoint b = CheckpointNotes.parse(broken);
        CheckpointNotes.verify(b, "log.example/a", ed25519.publicKey(), verifier);
        invalid(() -> CheckpointNotes.verify(b, "witness.example/b", p256.publicKey(), verifier), "broken cosignature");
        // two signatures by the same key: both must verify
        SignedCheckpoint twice = CheckpointNotes.parse(body + lines[5] + "\n" + lines[5] + "\n");
        CheckpointNotes.verify(twice, "log.example/a", ed25519.publicKey(), verifier);
        String bad5 = lines[5].substring(0, lines[5].length() - 6) + (lines[5].charAt(lines[5].length() - 6) == 'A' ? "B" : "A")
                + lines[5].substring(lines[5].length() - 5);
        SignedCheckpoint oneBad = CheckpointNotes.parse(body + lines[5] + "\n" + bad5 + "\n");
        invalid(() -> CheckpointNotes.verify(oneBad, "log.example/a", ed25519.publicKey(), verifier), "one of two signatures is bad");
    }

    @Test
    void checkpointOfALiveLog() throws Exception {
        try (VineLog log = MerkleTestSupport.openSha256(null, Durability.SYNC)) {
            for (int i = 0; i < 37; i++) {
                log.append(utf8("e" + i));
            }
            Checkpoint c = log.checkpoint();
            assertEquals(37, c.size());
            assertEquals(log.origin(), c.origin());
            assertArrayEquals(log.rootAt(37), c.root());
            SignedCheckpoint s = CheckpointNotes.parse(CheckpointNotes.toNote(CheckpointNotes.sign(c, log.origin(), custody, ed25519)));
            CheckpointNotes.verify(s, log.origin(), ed25519.publicKey(), verifier);
            Checkpoint got = s.checkpoint();
            // a client verifies an entry against the signed checkpoint alone
            MerkleProofs.verifyInclusion(log.hasher(), log.hasher().leafHash(utf8("e5")), log.inclusionProof(5, got.size()),
                    got.root());
        }
    }

    // ------------------------------------------------------------ interoperability with independent implementations

    /**
     * The example keys and note of the Go reference implementation of signed notes: golang/mod,
     * sumdb/note/note_test.go ({@code TestNewVerifier}, {@code TestNewSigner}, {@code TestSign},
     * {@code TestOpen}). The note text there is not a checkpoint, so {@link SignedCheckpoint#parse}
     * must refuse it; what must match is the key ID, the signature line and the signed bytes.
     */
    static final String PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    static final String PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    static final String ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    static final String GO_TEXT = "If you think cryptography is the answer to your problem,\n"
            + "then you don't know what your problem is.\n";
    static final String PETER_SIG =
            "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    static final String ENOCH_SIG =
            "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    record VerifierKey(String name, int keyId, RawPublicKey key) {}

    /** Decodes {@code <name>+<hex key ID>+<base64(0x01 || Ed25519 key)>}. */
    static VerifierKey vkey(String vkey) throws Exception {
        String[] parts = vkey.split("\\+", 3);
        byte[] k = Base64.getDecoder().decode(parts[2]);
        assertEquals(33, k.length);
        assertEquals(0x01, k[0]);
        return new VerifierKey(parts[0], Integer.parseUnsignedInt(parts[1], 16),
                RawPublicKey.of(KeyAlgorithm.ED25519, Arrays.copyOfRange(k, 1, 33)));
    }

    static byte[] sigBlob(String line) {
        return Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1, line.length() - 1));
    }

    @Test
    void goNoteKeysAndSignaturesVerify() throws Exception {
        for (String[] v : new String[][] {{PETER_VKEY, PETER_SIG}, {ENOCH_VKEY, ENOCH_SIG}}) {
            VerifierKey k = vkey(v[0]);
            assertEquals(k.keyId(), CheckpointNotes.keyId(k.name(), k.key()), "key ID of " + k.name());
            byte[] blob = sigBlob(v[1]);
            assertEquals(68, blob.length);
            assertEquals(k.keyId(), new BigInteger(1, Arrays.copyOf(blob, 4)).intValue());
            verifier.verify(k.key(), GO_TEXT.getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(blob, 4, 68));
            byte[] bad = Arrays.copyOfRange(blob, 4, 68);
            bad[10] ^= 1;
            assertThrows(SignatureVerificationException.class,
                    () -> verifier.verify(k.key(), GO_TEXT.getBytes(StandardCharsets.UTF_8), bad));
        }
        // the Go note itself is a valid signed note but not a checkpoint: refused as such, cleanly
        invalid(() -> CheckpointNotes.parse(GO_TEXT + "\n" + PETER_SIG + ENOCH_SIG), "not a checkpoint");
    }

    /** The published signer key, imported into our custody, signs exactly as the Go implementation does. */
    @Test
    void goSignerKeyReproducesThePublishedSignature() throws Exception {
        String[] parts = PETER_SKEY.split("\\+", 5); // PRIVATE+KEY+<name>+<key ID>+<base64, may hold '+'>
        assertEquals("PeterNeumann", parts[2]);
        assertEquals("c74f20a3", parts[3]);
        byte[] skey = Base64.getDecoder().decode(parts[4]);
        assertEquals(33, skey.length);
        assertEquals(0x01, skey[0]);
        byte[] seed = Arrays.copyOfRange(skey, 1, 33);
        byte[] pkcs8 = new byte[48];
        System.arraycopy(hex("302e020100300506032b657004220420"), 0, pkcs8, 0, 16); // RFC 8410 Ed25519 PrivateKeyInfo
        System.arraycopy(seed, 0, pkcs8, 16, 32);
        KeyHandle peter = custody.importPkcs8("peter-neumann", pkcs8);
        VerifierKey vk = vkey(PETER_VKEY);
        assertEquals(vk.key(), peter.publicKey());

        // Ed25519 is deterministic: our custody's signature over the Go text is the published one
        byte[] published = Arrays.copyOfRange(sigBlob(PETER_SIG), 4, 68);
        assertArrayEquals(published, custody.sign(peter, GO_TEXT.getBytes(StandardCharsets.UTF_8)));

        // over a checkpoint, our note's signature line is the one the Go signer would write, computed here
        // with the JDK's own Ed25519 (SunEC), an implementation independent of BouncyCastle
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed)));
        jdk.update(CheckpointNotes.body(cp()).getBytes(StandardCharsets.UTF_8));
        byte[] sig = jdk.sign();
        byte[] blob = new byte[68];
        System.arraycopy(hex("c74f20a3"), 0, blob, 0, 4);
        System.arraycopy(sig, 0, blob, 4, 64);
        String expected = CheckpointNotes.body(cp()) + "\n\u2014 PeterNeumann " + Base64.getEncoder().encodeToString(blob) + "\n";
        assertEquals(expected, CheckpointNotes.toNote(CheckpointNotes.sign(cp(), "PeterNeumann", custody, peter)));
        CheckpointNotes.verify(CheckpointNotes.parse(expected), vk.name(), vk.key(), verifier);
    }

    /** ECDSA and Ed25519 notes made by the JDK verify here, and ours verify with the JDK. */
    @Test
    void jdkSignaturesInterop() throws Exception {
        byte[] body = CheckpointNotes.body(cp()).getBytes(StandardCharsets.UTF_8);
        // JDK -> us, ECDSA P-256 with a DER signature
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        ECPublicKey pub = (ECPublicKey) kp.getPublic();
        byte[] point = new byte[65];
        point[0] = 4;
        byte[] x = pub.getW().getAffineX().toByteArray();
        byte[] y = pub.getW().getAffineY().toByteArray();
        System.arraycopy(x, Math.max(0, x.length - 32), point, 1 + 32 - Math.min(32, x.length), Math.min(32, x.length));
        System.arraycopy(y, Math.max(0, y.length - 32), point, 33 + 32 - Math.min(32, y.length), Math.min(32, y.length));
        RawPublicKey raw = RawPublicKey.of(KeyAlgorithm.ECDSA_P256, point);
        assertArrayEquals(pub.getEncoded(), raw.toSpki());
        for (int i = 0; i < 20; i++) { // DER lengths vary with leading zeros of r and s
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(kp.getPrivate());
            s.update(body);
            byte[] der = s.sign();
            byte[] blob = new byte[4 + der.length];
            int id = CheckpointNotes.keyId("jdk.example/ec", raw);
            blob[0] = (byte) (id >>> 24);
            blob[1] = (byte) (id >>> 16);
            blob[2] = (byte) (id >>> 8);
            blob[3] = (byte) id;
            System.arraycopy(der, 0, blob, 4, der.length);
            CheckpointNotes.verify(CheckpointNotes.parse(CheckpointNotes.body(cp()) + "\n\u2014 jdk.example/ec "
                    + Base64.getEncoder().encodeToString(blob) + "\n"), "jdk.example/ec", raw, verifier);
        }
        // us -> JDK
        for (KeyHandle k : List.of(ed25519, p256)) {
            SignedCheckpoint s = CheckpointNotes.sign(cp(), "n", custody, k);
            PublicKey jdkKey = KeyFactory.getInstance(k.algorithm() == KeyAlgorithm.ED25519 ? "Ed25519" : "EC")
                    .generatePublic(new X509EncodedKeySpec(k.publicKey().toSpki()));
            Signature v = Signature.getInstance(k.algorithm() == KeyAlgorithm.ED25519 ? "Ed25519" : "SHA256withECDSA");
            v.initVerify(jdkKey);
            v.update(body);
            assertTrue(v.verify(s.signatures().get(0).signature()), k.algorithm() + " signature verifies with the JDK");
        }
    }
}
