package io.aethercore.backup.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The envelope is standard CMS: {@code openssl cms -decrypt} opens each kind of recipient (docs/backup.md). */
class OpensslInteropTest {

    @TempDir
    Path tmp;

    final byte[] content = "AEBACKUP container bytes, any content will do: 0123456789".repeat(1000).getBytes(StandardCharsets.US_ASCII);

    byte[] seal(Envelope.Recipient r) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream enc = Envelope.encrypt(out, r)) {
            enc.write(content);
        }
        return out.toByteArray();
    }

    byte[] openssl(byte[] enveloped, String... args) throws Exception {
        Path in = tmp.resolve("in.der");
        Path out = tmp.resolve("out.bin");
        Files.write(in, enveloped);
        Files.deleteIfExists(out);
        List<String> cmd = new ArrayList<>(List.of("openssl", "cms", "-decrypt", "-binary", "-inform", "DER",
                "-in", in.toString(), "-out", out.toString()));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("this test needs the openssl command (apt-get install openssl)", e);
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        return Files.readAllBytes(out);
    }

    @Test
    void opensslOpensAPassphraseBackup() throws Exception {
        String pass = "operator passphrase 8.1";
        assertArrayEquals(content, openssl(seal(new Envelope.PassphraseRecipient(pass.toCharArray())), "-pwri_password", pass));
    }

    @Test
    void opensslOpensCertificateBackupsRsaAndEc() throws Exception {
        for (String alg : List.of("RSA", "EC")) {
            KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
            g.initialize(alg.equals("RSA") ? 2048 : 256);
            KeyPair kp = g.generateKeyPair();
            X509Certificate cert = BackupRestoreTest.selfSigned(kp, alg.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA");
            Path certPem = tmp.resolve(alg + ".crt");
            Path keyPem = tmp.resolve(alg + ".key");
            Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(keyPem, pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
            assertArrayEquals(content, openssl(seal(new Envelope.CertRecipient(cert)), "-recip", certPem.toString(),
                    "-inkey", keyPem.toString()), alg);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
