package io.aethercore.mesh.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** Software keys standing in for custodies, and the real openssl binary. */
final class Fixtures {

    static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private Fixtures() {
    }

    static KeyPair generate(KeyAlgorithm algorithm) {
        try {
            return switch (algorithm) {
                case ED25519 -> KeyPairGenerator.getInstance("Ed25519", BC).generateKeyPair();
                case X25519 -> KeyPairGenerator.getInstance("X25519", BC).generateKeyPair();
                case ML_DSA_87 -> KeyPairGenerator.getInstance("ML-DSA-87", BC).generateKeyPair();
                case ECDSA_P256 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
                    g.initialize(new ECGenParameterSpec("P-256"));
                    yield g.generateKeyPair();
                }
                default -> throw new IllegalArgumentException(algorithm.id());
            };
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static RawPublicKey raw(KeyPair kp) {
        try {
            return RawPublicKey.fromSpki(kp.getPublic().getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A custody stand-in: Ed25519 raw 64 bytes; P-256 as P1363 r||s (BC's PLAIN-ECDSA), as TPMs and tokens sign. */
    static MessageSigner signer(KeyPair kp) {
        boolean ed = kp.getPublic().getAlgorithm().startsWith("Ed");
        return message -> {
            Signature s = Signature.getInstance(ed ? "Ed25519" : "SHA256withPLAIN-ECDSA", BC);
            s.initSign(kp.getPrivate());
            s.update(message);
            byte[] sig = s.sign();
            assertEquals(64, sig.length, "a custody signature is 64 bytes");
            return sig;
        };
    }

    static NodeIdentity identity(String nodeId, KeyPair nodeKey, boolean full) {
        return new NodeIdentity(nodeId, raw(nodeKey), raw(generate(KeyAlgorithm.X25519)), raw(generate(KeyAlgorithm.ML_DSA_87)),
                full ? AttestationKind.TPM : AttestationKind.SOFTWARE, full ? raw(generate(KeyAlgorithm.ECDSA_P256)) : null,
                full ? "AB".repeat(32) : null, full ? InetSocketAddress.createUnresolved("10.0.0.7", 7443) : null);
    }

    /** Result of one openssl run. */
    record Run(int exit, String out) {
    }

    /**
     * Runs the real openssl binary in {@code dir}. Fails the test (never skips) if openssl cannot be started.
     */
    static Run openssl(Path dir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("openssl " + String.join(" ", args) + " did not finish in 60 s");
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return fail("the openssl command line is needed for these interoperability tests and could not be run"
                    + " (install it: apt-get install openssl): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    /** Runs openssl and asserts exit status 0; returns its output. */
    static String opensslOk(Path dir, String... args) {
        Run r = openssl(dir, args);
        assertEquals(0, r.exit(), () -> "openssl " + String.join(" ", args) + " failed:\n" + r.out());
        return r.out();
    }

    static Path writePem(Path dir, String name, java.security.cert.X509Certificate... certs) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (var c : certs) {
            sb.append(Pem.encode(c));
        }
        Path f = dir.resolve(name);
        Files.writeString(f, sb.toString());
        return f;
    }
}
