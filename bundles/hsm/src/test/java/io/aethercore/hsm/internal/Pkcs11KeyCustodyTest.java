package io.aethercore.hsm.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.custody.CustodyKind;
import io.aethercore.api.custody.CustodyUnavailableException;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.KeyNotFoundException;
import io.aethercore.crypto.internal.BcSignatures;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PKCS#11 custody with SoftHSM2, OpenSC's pkcs11-tool and openssl: interoperability and faults. */
class Pkcs11KeyCustodyTest {

    private static final BcSignatures BC = new BcSignatures();
    private static final byte[] MESSAGE = "AetherCore HSM test".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private SoftHsm hsm;
    private String label;

    @BeforeEach
    void token() throws Exception {
        hsm = new SoftHsm(dir);
        label = SoftHsm.newLabel("t");
        hsm.initToken(label);
    }

    @AfterEach
    void closeAll() {
        hsm.close();
    }

    private String[] tool(String... args) {
        List<String> cmd = new ArrayList<>(List.of("pkcs11-tool", "--module", SoftHsm.LIBRARY, "--token-label", label,
                "--login", "--pin", SoftHsm.PIN));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    // ----------------------------------------------------------------------------- key attributes

    @Test
    void keysAreSensitiveAndNeverExtractableOnTheToken() throws Exception {
        Pkcs11KeyCustody c = hsm.open(label);
        assertEquals("pkcs11:" + label, c.name());
        assertEquals(CustodyKind.HSM, c.kind());
        assertEquals(java.util.EnumSet.of(KeyAlgorithm.ED25519, KeyAlgorithm.ECDSA_P256), c.algorithms());
        KeyHandle ed = c.generate(KeyAlgorithm.ED25519, "node-ed");
        KeyHandle p = c.generate(KeyAlgorithm.ECDSA_P256, "node-p256");

        for (KeyHandle h : List.of(ed, p)) {
            Pkcs11KeyCustody.KeyProtection prot = c.protection(h);
            assertEquals(new Pkcs11KeyCustody.KeyProtection(true, true, true, false, true, true), prot, h.label());
        }

        // what OpenSC sees, independently of our code
        Map<String, String> access = privateKeyAccess(hsm.run(tool("--list-objects")));
        for (String l : List.of("node-ed", "node-p256")) {
            String a = access.get(l);
            assertTrue(a != null, "pkcs11-tool lists private key '" + l + "': " + access);
            assertTrue(a.matches(".*\\bsensitive\\b.*"), l + ": " + a);
            assertTrue(a.contains("never extractable"), l + ": " + a);
            assertFalse(a.replace("never extractable", "").contains("extractable"), l + " is extractable: " + a);
        }
        // CKA_ID = first 8 bytes of SHA-256 of the raw public key
        String listing = hsm.run(tool("--list-objects", "--type", "privkey"));
        assertTrue(listing.contains(java.util.HexFormat.of().formatHex(Pkcs11KeyCustody.keyId(p.publicKey()))), listing);
    }

    /** Label to the "Access:" line of each private key object in {@code pkcs11-tool --list-objects}. */
    static Map<String, String> privateKeyAccess(String listing) {
        Map<String, String> out = new LinkedHashMap<>();
        String current = null;
        boolean inPrivate = false;
        for (String line : listing.split("\n")) {
            if (!line.startsWith(" ")) {
                inPrivate = line.startsWith("Private Key Object");
                current = null;
            } else if (inPrivate && line.trim().startsWith("label:")) {
                current = line.substring(line.indexOf(':') + 1).trim();
            } else if (inPrivate && current != null && line.trim().startsWith("Access:")) {
                out.put(current, line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------- interop

    @Test
    void keysMadeByPkcs11ToolAreFoundAndUsed() throws Exception {
        hsm.run(tool("--keypairgen", "--key-type", "EC:prime256v1", "--label", "x", "--id", "0102"));
        hsm.run(tool("--keypairgen", "--key-type", "EC:edwards25519", "--label", "y", "--id", "0103"));
        Pkcs11KeyCustody c = hsm.open(label);
        KeyHandle x = c.find("x").orElseThrow();
        KeyHandle y = c.find("y").orElseThrow();
        assertEquals(KeyAlgorithm.ECDSA_P256, x.algorithm());
        assertEquals(KeyAlgorithm.ED25519, y.algorithm());
        assertEquals(List.of(x, y), c.list());
        for (KeyHandle h : List.of(x, y)) {
            byte[] sig = c.sign(h, MESSAGE);
            assertDoesNotThrow(() -> BC.verify(h.publicKey(), MESSAGE, sig), h.label());
        }
        // the public key we read equals what pkcs11-tool exports (DER SubjectPublicKeyInfo)
        Path der = dir.resolve("x.der");
        hsm.run(tool("--read-object", "--type", "pubkey", "--label", "x", "--output-file", der.toString()));
        assertEquals(x.publicKey(), RawPublicKey.fromSpki(Files.readAllBytes(der)));
    }

    @Test
    void signaturesVerifyWithOpenssl() throws Exception {
        Pkcs11KeyCustody c = hsm.open(label);
        Path msg = dir.resolve("msg");
        Files.write(msg, MESSAGE);
        for (KeyAlgorithm a : List.of(KeyAlgorithm.ED25519, KeyAlgorithm.ECDSA_P256)) {
            KeyHandle h = c.generate(a, "o-" + a.name().toLowerCase().replace('_', '-'));
            byte[] sig = c.sign(h, MESSAGE);
            assertDoesNotThrow(() -> BC.verify(h.publicKey(), MESSAGE, sig));
            Path pem = dir.resolve(h.label() + ".pem");
            Files.writeString(pem, h.publicKey().toPem());
            Path sigFile = dir.resolve(h.label() + ".sig");
            SoftHsm.Result ok;
            SoftHsm.Result bad;
            if (a == KeyAlgorithm.ED25519) {
                Files.write(sigFile, sig);
                ok = hsm.exec("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pem.toString(), "-rawin",
                        "-in", msg.toString(), "-sigfile", sigFile.toString());
                byte[] tampered = sig.clone();
                tampered[5] ^= 1;
                Files.write(sigFile, tampered);
                bad = hsm.exec("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pem.toString(), "-rawin",
                        "-in", msg.toString(), "-sigfile", sigFile.toString());
            } else {
                Files.write(sigFile, p1363ToDer(sig));
                ok = hsm.exec("openssl", "dgst", "-sha256", "-verify", pem.toString(), "-signature", sigFile.toString(),
                        msg.toString());
                byte[] tampered = sig.clone();
                tampered[40] ^= 1;
                Files.write(sigFile, p1363ToDer(tampered));
                bad = hsm.exec("openssl", "dgst", "-sha256", "-verify", pem.toString(), "-signature", sigFile.toString(),
                        msg.toString());
            }
            SoftHsm.assertExit(0, ok);
            assertTrue(ok.output().contains("Verified OK") || ok.output().contains("Signature Verified Successfully"),
                    ok.output());
            assertNotEquals(0, bad.exit(), "openssl rejects a tampered " + a.id() + " signature: " + bad.output());
        }
    }

    /** ECDSA r||s (32 + 32 bytes) as a DER SEQUENCE of two INTEGERs. */
    static byte[] p1363ToDer(byte[] rs) {
        byte[] r = new BigInteger(1, Arrays.copyOfRange(rs, 0, 32)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)).toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.write(2 + r.length + 2 + s.length);
        out.write(0x02);
        out.write(r.length);
        out.writeBytes(r);
        out.write(0x02);
        out.write(s.length);
        out.writeBytes(s);
        return out.toByteArray();
    }

    @Test
    void mlDsaIsRefusedWithAClearReason() throws Exception {
        Pkcs11KeyCustody c = hsm.open(label);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.generate(KeyAlgorithm.ML_DSA_87, "pq"));
        assertTrue(e.getMessage().startsWith("this token has no ML-DSA (PKCS#11 3.2 CKM_ML_DSA); "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.generate(KeyAlgorithm.X25519, "dh"));
        assertTrue(c.list().isEmpty());
    }

    // ------------------------------------------------------------------------------------- faults

    @Test
    void wrongPinIsAClearNonRetryableFailure() {
        KeyCustodyException e = assertThrows(KeyCustodyException.class,
                () -> hsm.open(label, "wrong-pin".toCharArray(), 4, Duration.ZERO));
        assertFalse(e instanceof CustodyUnavailableException, e.toString());
        assertFalse(e.isRetryable());
        assertTrue(e.getMessage().contains("CKR_PIN_INCORRECT") && e.getMessage().contains(label), e.getMessage());
    }

    @Test
    void aWrongPinMetDuringRecoveryIsRememberedAndNotRetried() throws Exception {
        Pkcs11KeyCustody c = hsm.open(label);
        KeyHandle h = c.generate(KeyAlgorithm.ED25519, "k");
        // the token comes back with another user PIN
        hsm.deleteTokens();
        assertThrows(CustodyUnavailableException.class, () -> c.sign(h, MESSAGE));
        hsm.run("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SoftHsm.SO_PIN, "--pin", "other-pin");
        KeyCustodyException first = assertThrows(KeyCustodyException.class, () -> c.list());
        assertFalse(first.isRetryable(), first.toString());
        assertTrue(first.getMessage().contains("CKR_PIN_INCORRECT"), first.getMessage());
        // remembered: even with the right PIN back on the token, this custody does not log in again
        hsm.deleteTokens();
        hsm.initToken(label);
        KeyCustodyException again = assertThrows(KeyCustodyException.class, () -> c.list());
        assertFalse(again.isRetryable());
        assertTrue(again.getMessage().contains("Not retried"), again.getMessage());
        // a new custody (new configuration) logs in
        assertDoesNotThrow(() -> hsm.open(label).list());
    }

    @Test
    void missingLibraryIsAClearError() {
        KeyCustodyException e = assertThrows(KeyCustodyException.class,
                () -> new Pkcs11KeyCustody(null, dir.resolve("no-such-lib.so").toString(), label, "1".toCharArray(), 1, Duration.ZERO));
        assertFalse(e.isRetryable());
        assertTrue(e.getMessage().contains("no-such-lib.so") && e.getMessage().contains("does not exist"), e.getMessage());
        KeyCustodyException none = assertThrows(KeyCustodyException.class,
                () -> new Pkcs11KeyCustody(null, "", label, "1".toCharArray(), 1, Duration.ZERO));
        assertTrue(none.getMessage().contains("no PKCS#11 library configured"), none.getMessage());
    }

    @Test
    void missingTokenIsRetryableAndNamesTheLabels() {
        CustodyUnavailableException e = assertThrows(CustodyUnavailableException.class, () -> hsm.open("no-such-token"));
        assertTrue(e.isRetryable());
        assertTrue(e.getMessage().contains("'no-such-token'") && e.getMessage().contains(label), e.getMessage());
    }

    @Test
    void tokenReinitialisedMidRunFailsRetryablyAndRecovers() throws Exception {
        Pkcs11KeyCustody c = hsm.open(label);
        KeyHandle ed = c.generate(KeyAlgorithm.ED25519, "k-ed");
        KeyHandle p = c.generate(KeyAlgorithm.ECDSA_P256, "k-p");
        assertDoesNotThrow(() -> BC.verify(ed.publicKey(), MESSAGE, c.sign(ed, MESSAGE)));

        hsm.deleteTokens(); // the token is gone
        assertTrue(assertThrows(CustodyUnavailableException.class, () -> c.sign(ed, MESSAGE)).isRetryable());
        assertThrows(CustodyUnavailableException.class, () -> c.sign(p, MESSAGE));
        assertThrows(CustodyUnavailableException.class, c::list);
        assertThrows(CustodyUnavailableException.class, () -> c.find("k-ed"));
        assertThrows(CustodyUnavailableException.class, () -> c.generate(KeyAlgorithm.ED25519, "during"));

        hsm.initToken(label); // back, empty
        assertEquals(List.of(), c.list(), "the custody reconnected to the new token");
        assertThrows(KeyNotFoundException.class, () -> c.sign(ed, MESSAGE), "keys of the old token are gone");
        KeyHandle fresh = c.generate(KeyAlgorithm.ED25519, "k-ed");
        assertNotEquals(ed.publicKey(), fresh.publicKey());
        assertThrows(KeyNotFoundException.class, () -> c.sign(ed, MESSAGE), "the old handle does not reach the new key");
        byte[] sig = c.sign(fresh, MESSAGE);
        assertDoesNotThrow(() -> BC.verify(fresh.publicKey(), MESSAGE, sig));
    }

    @Test
    void anotherTokenOnTheSameLibraryKeepsWorkingWhileOneRecovers() throws Exception {
        String other = SoftHsm.newLabel("other");
        hsm.initToken(other);
        Pkcs11KeyCustody a = hsm.open(label);
        Pkcs11KeyCustody b = hsm.open(other);
        KeyHandle ka = a.generate(KeyAlgorithm.ED25519, "a");
        KeyHandle kb = b.generate(KeyAlgorithm.ECDSA_P256, "b");
        // token a is re-initialised (only its directory goes; b's stays)
        Path aDir = null;
        try (var dirs = Files.list(hsm.tokenDir)) {
            for (Path d : dirs.toList()) {
                if (new String(Files.readAllBytes(d.resolve("token.object")), StandardCharsets.ISO_8859_1).contains(label)) {
                    aDir = d;
                }
            }
        }
        assertTrue(aDir != null, "token directory of " + label);
        try (var files = Files.walk(aDir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        assertThrows(CustodyUnavailableException.class, () -> a.sign(ka, MESSAGE));
        hsm.initToken(label);
        assertEquals(List.of(), a.list(), "a recovered (the library was re-initialised)");
        // b lost its sessions and login with the re-initialisation, and logs in again without failing a call
        byte[] sig = b.sign(kb, MESSAGE);
        assertDoesNotThrow(() -> BC.verify(kb.publicKey(), MESSAGE, sig));
        assertEquals(List.of(kb), b.list());
    }

    @Test
    void aKeyWhoseObjectVanishedIsNotFound() throws Exception {
        Pkcs11KeyCustody c = hsm.open(label);
        KeyHandle h = c.generate(KeyAlgorithm.ECDSA_P256, "vanishing");
        c.sign(h, MESSAGE); // cached
        hsm.run(tool("--delete-object", "--type", "privkey", "--label", "vanishing"));
        assertThrows(KeyNotFoundException.class, () -> c.sign(h, MESSAGE));
        assertTrue(c.find("vanishing").isEmpty(), "only the public half is left; no key");
    }

    @Test
    void eightThreadsSignAtOnce() throws Exception {
        Pkcs11KeyCustody c = hsm.open(label, SoftHsm.PIN.toCharArray(), 4, Duration.ZERO);
        KeyHandle ed = c.generate(KeyAlgorithm.ED25519, "c-ed");
        KeyHandle p = c.generate(KeyAlgorithm.ECDSA_P256, "c-p");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int n = 0;
                    for (int i = 0; i < 50; i++) {
                        KeyHandle h = (i + thread) % 2 == 0 ? ed : p;
                        byte[] msg = ("thread " + thread + " message " + i).getBytes(StandardCharsets.UTF_8);
                        BC.verify(h.publicKey(), msg, c.sign(h, msg));
                        n++;
                    }
                    return n;
                }));
            }
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get(120, TimeUnit.SECONDS);
            }
            assertEquals(400, total);
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------- small parts

    @Test
    void pinComesFromAPrivateFileOrTheEnvironmentOnly() throws Exception {
        Path pinFile = dir.resolve("pin");
        Files.writeString(pinFile, "1234\n");
        Files.setPosixFilePermissions(pinFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        KeyCustodyException e = assertThrows(KeyCustodyException.class, () -> PinSource.read(pinFile.toString(), null, Map.of()));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        Files.setPosixFilePermissions(pinFile, java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
        assertArrayEquals("1234".toCharArray(), PinSource.read(pinFile.toString(), "X", Map.of("X", "env")));
        assertArrayEquals("env".toCharArray(), PinSource.read("", "X", Map.of("X", "env")));
        assertThrows(KeyCustodyException.class, () -> PinSource.read("", "X", Map.of()));
        assertThrows(KeyCustodyException.class, () -> PinSource.read(null, null, Map.of()));
    }

    @Test
    void ecPointsAreDecodedStrictly() throws Exception {
        byte[] ed = new byte[32];
        ed[0] = 7;
        byte[] wrapped = new byte[34];
        wrapped[0] = 0x04;
        wrapped[1] = 32;
        System.arraycopy(ed, 0, wrapped, 2, 32);
        assertArrayEquals(ed, EcPoints.decode(KeyAlgorithm.ED25519, wrapped).encoded());
        assertArrayEquals(ed, EcPoints.decode(KeyAlgorithm.ED25519, ed).encoded());
        byte[] badLength = wrapped.clone();
        badLength[1] = 33;
        for (byte[] bad : new byte[][] {badLength, Arrays.copyOf(wrapped, 35), Arrays.copyOf(wrapped, 33), new byte[0],
                {0x04, (byte) 0x81, 32}}) {
            assertThrows(io.aethercore.api.crypto.MalformedKeyException.class, () -> EcPoints.decode(KeyAlgorithm.ED25519, bad));
        }
        byte[] p = new byte[65];
        p[0] = 0x04;
        byte[] pw = new byte[67];
        pw[0] = 0x04;
        pw[1] = 65;
        System.arraycopy(p, 0, pw, 2, 65);
        assertArrayEquals(p, EcPoints.decode(KeyAlgorithm.ECDSA_P256, pw).encoded());
        byte[] compressed = new byte[35];
        compressed[0] = 0x04;
        compressed[1] = 33;
        compressed[2] = 0x02;
        assertThrows(io.aethercore.api.crypto.MalformedKeyException.class, () -> EcPoints.decode(KeyAlgorithm.ECDSA_P256, compressed));
        assertEquals(KeyAlgorithm.ED25519, EcPoints.algorithm(true, EcPoints.ED25519_PARAMS_NAME));
        assertEquals(null, EcPoints.algorithm(false, EcPoints.ED25519_PARAMS_OID));
    }
}
