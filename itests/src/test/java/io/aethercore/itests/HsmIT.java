package io.aethercore.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.CustodyKind;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.merkle.MerkleLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The PKCS#11 custody in our distribution, against a real SoftHSM2 token made for
 * this test (token directory under target/, SOFTHSM2_CONF set by failsafe and inherited by Karaf).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HsmIT extends AetherCoreTestSupport {

    static final String LABEL = "aether-itest";
    static final String PIN = "4711-itest";

    @Configuration
    public Option[] config() throws Exception {
        Path pinFile = initToken();
        List<Option> options = new ArrayList<>(List.of(containerOptions(aethercoreDistribution(), "AetherCore")));
        String cfg = "etc/io.aethercore.custody.pkcs11-itest.cfg";
        options.add(editConfigurationFilePut(cfg, "token.label", LABEL));
        options.add(editConfigurationFilePut(cfg, "pin.file", pinFile.toString()));
        options.add(editConfigurationFilePut(cfg, "library", "/usr/lib/softhsm/libsofthsm2.so"));
        return options.toArray(new Option[0]);
    }

    /** A fresh SoftHSM2 token at $SOFTHSM2_CONF, and a PIN file of mode 0600. Runs before the container starts. */
    static Path initToken() throws IOException, InterruptedException {
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null) {
            throw new AssertionError("SOFTHSM2_CONF is not set: run the integration tests through Maven");
        }
        Path confPath = Path.of(conf).toAbsolutePath();
        Path tokens = confPath.getParent().resolve("tokens");
        if (Files.exists(tokens)) {
            try (var walk = Files.walk(tokens)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(tokens);
        Files.writeString(confPath, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        Process p = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", LABEL,
                "--so-pin", "87654321", "--pin", PIN).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("softhsm2-util failed (apt-get install softhsm2 opensc): " + out);
        }
        Path pin = confPath.getParent().resolve("pin");
        Files.deleteIfExists(pin);
        Files.createFile(pin, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(pin, PIN);
        return pin;
    }

    @Test
    public void hsmCustodySignsInsideKaraf() throws Exception {
        KeyCustody hsm = waitForService(KeyCustody.class, "(aethercore.custody.kind=hsm)", 60_000);
        assertEquals(CustodyKind.HSM, hsm.kind());
        assertEquals("pkcs11:" + LABEL, hsm.name());
        SignatureService verifier = waitForService(SignatureService.class, "(aethercore.provider=bouncycastle)", 30_000);
        byte[] message = "signed inside the token".getBytes(StandardCharsets.UTF_8);
        for (KeyAlgorithm alg : List.of(KeyAlgorithm.ED25519, KeyAlgorithm.ECDSA_P256)) {
            KeyHandle key = hsm.generate(alg, "itest-" + alg.name().toLowerCase(java.util.Locale.ROOT));
            verifier.verify(key.publicKey(), message, hsm.sign(key, message));
        }

        String keys = executeCommand("aether:hsm-keys");
        assertTrue(keys, keys.contains("itest-ed25519") && keys.contains("itest-ecdsa_p256"));
        String tokens = executeCommand("aether:hsm-tokens");
        assertTrue(tokens, tokens.contains(LABEL));
        String providers = executeCommand("aether:crypto-providers");
        assertTrue(providers, providers.contains("pkcs11:" + LABEL));
    }

    /** The node signing key moves between HSM and software custody at runtime, recorded. */
    @Test
    public void nodeKeyPolicyMovesBetweenHsmAndSoftwareAndRecordsIt() throws Exception {
        waitForService(KeyCustody.class, "(aethercore.custody.kind=hsm)", 60_000);
        NodeKey nodeKey = waitForService(NodeKey.class, null, 30_000);
        SignatureService verifier = waitForService(SignatureService.class, "(aethercore.provider=bouncycastle)", 30_000);
        byte[] message = "node statement".getBytes(StandardCharsets.UTF_8);
        waitUntil("the node key lives in the HSM (ranked above software)", 30_000,
                () -> nodeKey.handle().kind() == CustodyKind.HSM);
        verifier.verify(nodeKey.handle().publicKey(), message, nodeKey.sign(message));

        executeCommand("config:property-set -p io.aethercore.node.key custody software");
        waitUntil("the node key moved to software", 30_000, () -> nodeKey.handle().kind() == CustodyKind.SOFTWARE);
        verifier.verify(nodeKey.handle().publicKey(), message, nodeKey.sign(message));

        executeCommand("config:property-set -p io.aethercore.node.key custody ''");
        waitUntil("the node key is back in the HSM", 30_000, () -> nodeKey.handle().kind() == CustodyKind.HSM);

        MerkleLog log = waitForService(MerkleLog.class, "(aethercore.merkle.name=default)", 30_000);
        try {
            waitUntil("three key changes recorded", 30_000, () -> countChanges(log) >= 3);
        } finally {
            for (long i = 0; i < log.size(); i++) {
                System.out.println("default log entry " + i + ": " + new String(log.entry(i), StandardCharsets.UTF_8));
            }
            executeCommand("log:display | grep -i 'node signing'");
        }
    }

    private static int countChanges(MerkleLog log) throws Exception {
        int n = 0;
        for (long i = 0; i < log.size(); i++) {
            if (new String(log.entry(i), StandardCharsets.UTF_8).contains("\"event\":\"node-key-change\"")) {
                n++;
            }
        }
        return n;
    }
}
