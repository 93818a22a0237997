package io.aethercore.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.attestation.verifier.NonceLedger;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.attestation.QuoteVerification;
import io.aethercore.attestation.verifier.QuoteVerifier;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.CustodyKind;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.testing.swtpm.Swtpm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * TPM attestation and custody in our distribution (docs/tpm.md): a real TPM 2.0 simulator (swtpm), started in the test JVM before the
 * container is configured, reached by the node through {@code etc/io.aethercore.tpm.cfg} ({@code device =
 * auto}, no /dev/tpmrm0 here, then the simulator). The node runs the TPM health check of docs/operations.md, quotes,
 * holds keys in the TPM, and moves its consumers between TPM and software attestation at runtime.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TpmIT extends AetherCoreTestSupport {

    @Inject
    ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() throws Exception {
        Swtpm swtpm = Swtpm.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                swtpm.close();
            } catch (Exception ignored) {
                // best effort at JVM exit
            }
        }));
        List<Option> options = new ArrayList<>(List.of(containerOptions(aethercoreDistribution(), "AetherCore")));
        options.add(editConfigurationFilePut("etc/io.aethercore.tpm.cfg", "device", "auto"));
        options.add(editConfigurationFilePut("etc/io.aethercore.tpm.cfg", "simulator", swtpm.address()));
        options.add(editConfigurationFilePut("etc/io.aethercore.tpm.cfg", "retry.seconds", "1"));
        // for the test inside the container: where the simulator is, to stop and restart it
        options.add(mavenBundle("io.aethercore", "aethercore-testing-swtpm", VERSION));
        options.add(systemProperty("aethercore.itest.swtpm.dir").value(swtpm.stateDir().toString()));
        options.add(systemProperty("aethercore.itest.swtpm.port").value(Integer.toString(swtpm.port())));
        options.add(systemProperty("aethercore.itest.swtpm.ctrl").value(Integer.toString(swtpm.ctrlPort())));
        return options.toArray(new Option[0]);
    }

    private static Swtpm swtpm() throws Exception {
        return Swtpm.attach(Path.of(System.getProperty("aethercore.itest.swtpm.dir")),
                Integer.getInteger("aethercore.itest.swtpm.port"), Integer.getInteger("aethercore.itest.swtpm.ctrl"));
    }

    /** What a consumer gets: the best-ranked attestation provider, as the framework ranks them. */
    private AttestationKind servingKind() {
        ServiceReference<Attestation> ref = bundleContext.getServiceReference(Attestation.class);
        if (ref == null) {
            return null;
        }
        try {
            Attestation a = bundleContext.getService(ref);
            return a == null ? null : a.kind(); // null: unregistered between the two calls (a swap in progress)
        } finally {
            bundleContext.ungetService(ref);
        }
    }

    @Test
    public void tpmHealthCheckQuotesAndKeysInsideKaraf() throws Exception {
        Attestation tpm = waitForService(Attestation.class, "(aethercore.attestation.kind=tpm)", 60_000);
        waitForService(Attestation.class, "(aethercore.attestation.kind=software)", 30_000);
        assertEquals(AttestationKind.TPM, servingKind());

        String out = executeCommand("aether:tpm-test");
        assertTrue(out, out.contains("[INFO] TPM 2.0 detected: Manufacturer=IBM, Firmware="));
        assertTrue(out, out.contains("[INFO] Creating Quote over PCRs [0,1,2,7]..."));
        assertTrue(out, out.contains("[SUCCESS] TPM attestation passed!"));
        assertTrue(out, out.contains("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"));

        String pcrs = executeCommand("aether:tpm-pcrs sha256:0,1,2,7");
        assertTrue(pcrs, pcrs.contains("# tpm: swtpm 127.0.0.1:" + Integer.getInteger("aethercore.itest.swtpm.port")));
        assertTrue(pcrs, pcrs.contains("  7 : 0x"));

        NonceLedger ledger = new NonceLedger(new SecureRandom(), 8);
        byte[] nonce = ledger.issue();
        Quote q = tpm.quote(nonce, PcrSelection.PLAYBOOK);
        QuoteVerification v = QuoteVerifier.verify(q, tpm.attestationKey().publicKey(), ledger.expect(nonce, PcrSelection.PLAYBOOK));
        assertTrue(v.message(), v.ok());

        KeyCustody custody = waitForService(KeyCustody.class, "(aethercore.custody.kind=tpm)", 30_000);
        assertEquals(CustodyKind.TPM, custody.kind());
        KeyHandle key = custody.generate(KeyAlgorithm.ECDSA_P256, "itest-node");
        byte[] message = "signed inside the TPM".getBytes(StandardCharsets.UTF_8);
        SignatureService verifier = waitForService(SignatureService.class, "(aethercore.provider=bouncycastle)", 30_000);
        verifier.verify(key.publicKey(), message, custody.sign(key, message));
        String made = executeCommand("aether:tpm-keys -g itest-console");
        assertTrue(made, made.contains("generated ECDSA P-256 key 'itest-console' inside the TPM"));
        String listed = executeCommand("aether:tpm-keys");
        assertTrue(listed, listed.contains("itest-node") && listed.contains("itest-console"));
        String pem = executeCommand("aether:tpm-keys -p itest-node");
        assertEquals(key.publicKey().toPem().trim(), pem.trim());
        String providers = executeCommand("aether:crypto-providers");
        assertTrue(providers, providers.contains("tpm"));

        // the node signing key moves into the TPM when the policy asks for an algorithm the TPM has
        NodeKey nodeKey = waitForService(NodeKey.class, null, 30_000);
        executeCommand("config:property-set -p io.aethercore.node.key algorithm ECDSA-P256-SHA256");
        try {
            waitUntil("the node key lives in the TPM", 30_000, () -> nodeKey.handle().kind() == CustodyKind.TPM);
            verifier.verify(nodeKey.handle().publicKey(), message, nodeKey.sign(message));
        } finally {
            executeCommand("config:property-set -p io.aethercore.node.key algorithm Ed25519");
        }
        waitUntil("the Ed25519 node key is back in software", 30_000, () -> nodeKey.handle().kind() == CustodyKind.SOFTWARE);
    }

    @Test
    public void consumersMoveBetweenTpmAndSoftwareAtRuntime() throws Exception {
        waitForService(Attestation.class, "(aethercore.attestation.kind=tpm)", 60_000);
        assertEquals(AttestationKind.TPM, servingKind());

        // rankings: the software provider ranked above the TPM takes the consumers, and gives them back
        org.osgi.service.cm.Configuration sw = configAdmin.getConfiguration("io.aethercore.attestation.software", null);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("service.ranking", 200);
        sw.update(props);
        waitUntil("software attestation ranked above the TPM serves", 30_000, () -> servingKind() == AttestationKind.SOFTWARE);
        props.put("service.ranking", 1);
        sw.update(props);
        waitUntil("the TPM serves again", 30_000, () -> servingKind() == AttestationKind.TPM);

        // the TPM goes away: its services are withdrawn, software serves, the health check says so
        Swtpm swtpm = swtpm();
        long t0 = System.nanoTime();
        swtpm.kill();
        waitUntil("software serves while the TPM is gone", 30_000, () -> servingKind() == AttestationKind.SOFTWARE);
        System.out.printf("TPM gone -> software serving after %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        try {
            executeCommand("aether:tpm-test");
            fail("tpm-test must fail without a TPM");
        } catch (Exception expected) {
            assertTrue(expected.toString(), expected.toString().contains("NOT_DETECTED"));
        }
        String sw2 = executeCommand("aether:tpm-test --allow-software");
        assertTrue(sw2, sw2.contains("(SOFTWARE provider, not hardware)"));
        assertFalse(sw2, sw2.contains("TPM 2.0 detected"));

        // and back
        t0 = System.nanoTime();
        swtpm.launch();
        waitUntil("the TPM serves again after it came back", 30_000, () -> servingKind() == AttestationKind.TPM);
        System.out.printf("TPM back -> TPM serving after %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        String out = executeCommand("aether:tpm-test");
        assertTrue(out, out.contains("[SUCCESS] TPM attestation passed!"));
    }

}
