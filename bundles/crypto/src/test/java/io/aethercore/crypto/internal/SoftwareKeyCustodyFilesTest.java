package io.aethercore.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyExistsException;
import io.aethercore.api.custody.KeyHandle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The software custody's files: permissions, PEM formats readable by {@code openssl}, encryption at
 * rest, and what a new custody instance on the same directory sees. Every encrypted key costs a
 * 600,000-iteration PBKDF2 each time it is written or read, so only two are made here.
 */
class SoftwareKeyCustodyFilesTest {

    private static final String OPENSSL = "/usr/bin/openssl";
    private static final char[] PASSPHRASE = "files-test passphrase".toCharArray();
    private static final byte[] MESSAGE = "signed by a key read back from disk".getBytes(StandardCharsets.UTF_8);
    private static final BcSignatures VERIFIER = new BcSignatures();

    @TempDir
    Path tmp;

    private Path keys() {
        return tmp.resolve("keys");
    }

    private SoftwareKeyCustody custody(char[] passphrase) throws Exception {
        return new SoftwareKeyCustody("files", keys(), passphrase, new SecureRandom());
    }

    private Path file(String label) {
        return keys().resolve(label + ".pem");
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** Runs openssl; returns stdout, or throws with stderr if the exit code is not 0. */
    private static String openssl(String... args) throws Exception {
        ProcessResult r = run(args);
        assertEquals(0, r.exit(), "openssl " + String.join(" ", args) + " failed: " + r.stderr());
        return r.stdout();
    }

    private record ProcessResult(int exit, String stdout, String stderr) {}

    private static ProcessResult run(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = OPENSSL;
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl timed out");
        return new ProcessResult(p.exitValue(), new String(out, StandardCharsets.US_ASCII), new String(err, StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------------------------ permissions

    @Test
    void directoryAndKeyFilesAreOwnerOnly() throws Exception {
        SoftwareKeyCustody c = custody(null);
        assertEquals("rwx------", mode(keys()), "a new key directory is 0700");
        for (KeyAlgorithm a : c.algorithms()) {
            String label = "perm-" + a.name().toLowerCase(java.util.Locale.ROOT);
            c.generate(a, label);
            assertEquals("rw-------", mode(file(label)), a.id() + " key file is 0600");
            assertTrue(Files.readString(file(label)).startsWith("-----BEGIN PRIVATE KEY-----\n"), a.id() + " plain PKCS#8 PEM");
        }
        assertEquals(c.algorithms().size(), names(keys()).size(), "one file per key, no temporary files left: " + names(keys()));
    }

    @Test
    void anExistingDirectoryIsTightenedTo0700() throws Exception {
        Files.createDirectories(keys(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(keys(), PosixFilePermissions.fromString("rwxr-xr-x"));
        custody(null);
        assertEquals("rwx------", mode(keys()));
    }

    @Test
    void groupReadableKeyFilesAreTightenedTo0600() throws Exception {
        KeyHandle h = custody(null).generate(KeyAlgorithm.ED25519, "loose");
        Files.setPosixFilePermissions(file("loose"), PosixFilePermissions.fromString("rw-r-----"));
        SoftwareKeyCustody fresh = custody(null);
        assertEquals(h.publicKey(), fresh.find("loose").orElseThrow().publicKey());
        assertEquals("rw-------", mode(file("loose")), "a group-readable key file is set back to 0600 when read");

        Files.setPosixFilePermissions(file("loose"), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(1, custody(null).list().size());
        assertEquals("rw-------", mode(file("loose")), "also when read by list()");
    }

    // ------------------------------------------------------------------------------- interoperability

    @Test
    void opensslReadsPlainKeys() throws Exception {
        SoftwareKeyCustody c = custody(null);
        for (KeyAlgorithm a : List.of(KeyAlgorithm.ED25519, KeyAlgorithm.ECDSA_P256, KeyAlgorithm.X25519)) {
            String label = "plain-" + a.name().toLowerCase(java.util.Locale.ROOT);
            KeyHandle h = c.generate(a, label);
            assertEquals(h.publicKey().toPem(), openssl("pkey", "-in", file(label).toString(), "-pubout"), a.id());
        }
    }

    @Test
    void keysGeneratedByOpensslAreUsable() throws Exception {
        SoftwareKeyCustody c = custody(null);
        openssl("genpkey", "-algorithm", "ed25519", "-out", file("ossl-ed").toString());
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file("ossl-p256").toString());
        openssl("genpkey", "-algorithm", "X25519", "-out", file("ossl-x").toString());
        for (String label : List.of("ossl-ed", "ossl-p256")) {
            KeyHandle h = c.find(label).orElseThrow();
            assertEquals(RawPublicKey.fromPem(openssl("pkey", "-in", file(label).toString(), "-pubout")), h.publicKey(), label);
            byte[] sig = c.sign(h, MESSAGE);
            assertDoesNotThrow(() -> VERIFIER.verify(h.publicKey(), MESSAGE, sig), label);
        }
        KeyHandle x = c.find("ossl-x").orElseThrow();
        assertEquals(KeyAlgorithm.X25519, x.algorithm());
        assertEquals(RawPublicKey.fromPem(openssl("pkey", "-in", file("ossl-x").toString(), "-pubout")), x.publicKey());
        assertEquals(3, c.list().size());
    }

    // ------------------------------------------------------------------------------------- passphrase

    @Test
    void encryptedKeysAreReadableByOpensslAndByANewInstance() throws Exception {
        SoftwareKeyCustody c = custody(PASSPHRASE);
        assertTrue(c.encryptsAtRest());
        KeyHandle ed = c.generate(KeyAlgorithm.ED25519, "enc-ed25519");
        KeyHandle ec = c.generate(KeyAlgorithm.ECDSA_P256, "enc-p256");
        String pass = "pass:" + new String(PASSPHRASE);
        for (KeyHandle h : List.of(ed, ec)) {
            Path f = file(h.label());
            String text = Files.readString(f);
            assertTrue(text.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"), h.label() + ": encrypted PKCS#8 PEM");
            assertFalse(text.contains("BEGIN PRIVATE KEY"));
            assertEquals("rw-------", mode(f));
            assertEquals(h.publicKey().toPem(), openssl("pkey", "-in", f.toString(), "-passin", pass, "-pubout"),
                    h.label() + ": openssl decrypts it and finds the same public key");
        }
        assertNotEquals(0, run("pkey", "-in", file("enc-ed25519").toString(), "-passin", "pass:wrong", "-pubout").exit(),
                "openssl refuses a wrong passphrase");

        // a new instance on the same directory and passphrase finds and uses the keys
        SoftwareKeyCustody again = custody(PASSPHRASE);
        assertEquals(Set.of(ed, ec), Set.copyOf(again.list()));
        for (KeyHandle h : List.of(ed, ec)) {
            KeyHandle found = again.find(h.label()).orElseThrow();
            assertEquals(h, found);
            byte[] sig = again.sign(h, MESSAGE);
            assertDoesNotThrow(() -> VERIFIER.verify(h.publicKey(), MESSAGE, sig), h.label());
        }
        if (ed.algorithm() == KeyAlgorithm.ED25519) {
            assertArrayEquals(c.sign(ed, MESSAGE), again.sign(ed, MESSAGE), "Ed25519 is deterministic: same key, same signature");
        }

        // a wrong passphrase, or none, is reported as such
        KeyCustodyException wrong = assertThrows(KeyCustodyException.class,
                () -> custody("not the passphrase".toCharArray()).find("enc-ed25519"));
        assertTrue(wrong.getMessage().contains("wrong passphrase"), wrong.getMessage());
        KeyCustodyException none = assertThrows(KeyCustodyException.class, () -> custody(null).find("enc-p256"));
        assertTrue(none.getMessage().contains("passphrase"), none.getMessage());
    }

    // ---------------------------------------------------------------------------- instances and files

    @Test
    void aNewInstanceFindsPlainKeysOfEveryAlgorithm() throws Exception {
        SoftwareKeyCustody c = custody(null);
        KeyHandle ed = c.generate(KeyAlgorithm.ED25519, "ed");
        KeyHandle ec = c.generate(KeyAlgorithm.ECDSA_P256, "ec");
        KeyHandle dsa = c.generate(KeyAlgorithm.ML_DSA_87, "dsa");
        KeyHandle x = c.generate(KeyAlgorithm.X25519, "x");
        KeyHandle y = c.generate(KeyAlgorithm.X25519, "y");
        byte[] xy = c.agree(x, y.publicKey());

        SoftwareKeyCustody again = custody(null);
        assertEquals(Set.of(ed, ec, dsa, x, y), Set.copyOf(again.list()));
        for (KeyHandle h : List.of(ed, ec, dsa)) {
            byte[] sig = again.sign(h, MESSAGE);
            assertDoesNotThrow(() -> VERIFIER.verify(h.publicKey(), MESSAGE, sig), h.label());
        }
        assertArrayEquals(xy, again.agree(y, x.publicKey()), "agreement with keys read from disk");
        again.delete(dsa);
        assertFalse(Files.exists(file("dsa")), "delete removes the file");
        assertEquals(4, custody(null).list().size());
    }

    @Test
    void existingFilesAreNeverOverwritten() throws Exception {
        Files.createDirectories(keys());
        Files.writeString(file("occupied"), "not a key\n");
        SoftwareKeyCustody c = custody(null);
        assertThrows(KeyExistsException.class, () -> c.generate(KeyAlgorithm.ED25519, "occupied"));
        assertEquals("not a key\n", Files.readString(file("occupied")), "the file is untouched");
        KeyCustodyException e = assertThrows(KeyCustodyException.class, () -> c.find("occupied"));
        assertTrue(e.getMessage().contains("not PEM"), e.getMessage());
    }

    @Test
    void filesThatAreNotKeysAreIgnoredByList() throws Exception {
        SoftwareKeyCustody c = custody(null);
        KeyHandle h = c.generate(KeyAlgorithm.ED25519, "real");
        Files.copy(file("real"), keys().resolve(".hidden.pem"));
        Files.copy(file("real"), keys().resolve("bad name.pem"));
        Files.copy(file("real"), keys().resolve("real.pem.bak"));
        Files.writeString(keys().resolve("notes.txt"), "hello");
        assertEquals(List.of(h), custody(null).list());
    }
}
