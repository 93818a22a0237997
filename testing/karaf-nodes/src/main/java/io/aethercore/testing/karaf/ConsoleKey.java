package io.aethercore.testing.karaf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/**
 * The SSH key of one test run: an ECDSA P-256 pair made when first needed and kept in memory for the
 * life of the JVM. Karaf 4.4.10's {@code PublickeyLoginModule} accepts RSA, DSA and ECDSA (not Ed25519);
 * P-256 is generated in milliseconds. Nodes get the public key in {@code etc/keys.properties}; the
 * private key is written (mode 0600) only for {@code bin/client} and {@code ssh}, next to the node.
 */
public final class ConsoleKey {

    private static volatile ConsoleKey runKey;

    private final KeyPair pair;

    private ConsoleKey(KeyPair pair) {
        this.pair = pair;
    }

    /** The key of this test run (one per JVM). */
    public static ConsoleKey ofThisRun() {
        ConsoleKey k = runKey;
        if (k == null) {
            synchronized (ConsoleKey.class) {
                if (runKey == null) {
                    runKey = generate();
                }
                k = runKey;
            }
        }
        return k;
    }

    public static ConsoleKey generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return new ConsoleKey(g.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate an EC P-256 key", e);
        }
    }

    public KeyPair keyPair() {
        return pair;
    }

    /** The public key as OpenSSH writes it after the type: the base64 of the SSH key blob. */
    public String publicKeyBase64() {
        String line = PublicKeyEntry.toString(pair.getPublic()); // "ecdsa-sha2-nistp256 AAAA..."
        return line.substring(line.indexOf(' ') + 1).trim();
    }

    /**
     * The {@code etc/keys.properties} line that lets {@code user} in with this key, in groups or roles
     * (Karaf's format: {@code user=KEY,role1,role2} or {@code user=KEY,_g_:group}).
     */
    public String keysPropertiesLine(String user, String rolesOrGroups) {
        return user + "=" + publicKeyBase64() + "," + rolesOrGroups;
    }

    /**
     * Writes the private key in OpenSSH's format, mode 0600: what {@code bin/client -k} and {@code ssh -i}
     * read (Karaf 4.4.10's client does not take a PKCS#8 EC key: "No more authentication methods").
     */
    public Path writePrivateKey(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "aethercore-test-run", null, out);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode the console key", e);
        }
        return file;
    }
}
