package io.aethercore.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.testing.karaf.AetherCoreNodes;
import io.aethercore.testing.karaf.KarafCluster;
import io.aethercore.testing.karaf.KarafNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The federation on five Karaf JVMs, each with its own ports and data, driven through their consoles as
 * docs/mesh.md tells an operator: a Federation Authority with its root key in its swtpm, two TPM members,
 * one member on software attestation, and one node that tries every way in that must be refused. Nodes
 * talk only over B4AE. Shared across the assertions of this class: one federation, built once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshIT {

    static final String MESH = "io.aethercore.mesh";
    static final String FA = "fa-1", ALPHA = "unit-alpha-7", BRAVO = "unit-bravo-3", CHARLIE = "unit-charlie-1";

    @RegisterExtension
    static final KarafCluster NODES = KarafCluster.of(5, i -> switch (i) {
        case 1 -> AetherCoreNodes.node(FA).configure(AetherCoreNodes.B4AE_PID, "enrollment.accept_unpinned", "true");
        case 2 -> AetherCoreNodes.node(ALPHA);
        case 3 -> AetherCoreNodes.node(BRAVO);
        // no swtpm: the TPM bundle finds no TPM and the software attestation serves
        case 4 -> KarafNode.builder(CHARLIE).configure(AetherCoreNodes.B4AE_PID, "name", CHARLIE)
                .readyWhen("the B4AE channel is up", "aether:b4ae-sessions -i", o -> o.contains("pin me with: "));
        default -> AetherCoreNodes.node("rogue-5");
    });

    static KarafNode fa, alpha, bravo, charlie, rogue;
    static Path rootPem, bundle, password;

    @BeforeAll
    static void federation() throws Exception {
        fa = NODES.node(1);
        alpha = NODES.node(2);
        bravo = NODES.node(3);
        charlie = NODES.node(4);
        rogue = NODES.node(5);
        System.out.printf("MeshIT: five nodes ready in %d ms%n", NODES.startMillis());
        long t0 = System.nanoTime();
        Path etc = Files.createDirectories(fa.home().resolve("etc/aethercore"));
        rootPem = etc.resolve("federation-root.pem");
        bundle = etc.resolve("genesis-bundle.bin");
        password = etc.resolve("genesis-bundle.pass");

        String keygen = fa.execute("aether:keygen --type federation-root --validity-days 3650 --output " + rootPem);
        assertTrue(keygen.contains("generated inside custody tpm (tpm), ECDSA-P256-SHA256"), keygen);
        assertFalse(keygen.contains("WARNING"), keygen);
        writeSecret(password, "correct horse battery staple 42");
        String genesis = fa.execute(genesisCommand(bundle, null));
        assertTrue(genesis.contains("Genesis bundle written: " + bundle), genesis);
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle)));

        fa.configureAll(MESH, Map.of("role", "authority", "node_id", FA));
        awaitLog(fa, "[SUCCESS] Federation Authority fa-1 serving enrollment", Duration.ofSeconds(60));
        for (KarafNode m : List.of(alpha, bravo, charlie)) {
            install(m, bundle);
            m.configureAll(MESH, Map.of("role", "member", "node_id", m.name()));
        }
        for (KarafNode m : List.of(alpha, bravo, charlie)) {
            m.awaitOutput("aether:enrollment", o -> o.contains("State:         ENROLLED"), Duration.ofSeconds(90));
        }
        System.out.printf("MeshIT: root, genesis bundle and three enrollments in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    static String genesisCommand(Path out, String authorityAddress) {
        return "aether:genesis --root-cert " + rootPem + " --initial-merkle-root " + "ab".repeat(32) + " --output " + out
                + " --password-file " + password + " --authority-name " + FA + " --pcr-policy current"
                + " --allow-software-attestation --heartbeat-seconds 1 --reattestation-seconds 8"
                + (authorityAddress == null ? "" : " --authority-address " + authorityAddress);
    }

    static void writeSecret(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    }

    /** Copies a genesis bundle and the password to a node, mode 0400, as the playbook's Step 2.3. */
    static void install(KarafNode node, Path bundleFile) throws IOException {
        installGenesis(node, bundleFile, password);
    }

    /** {@link #install} with the password file given. */
    static void installGenesis(KarafNode node, Path bundleFile, Path passwordFile) throws IOException {
        Path etc = Files.createDirectories(node.home().resolve("etc/aethercore"));
        Path b = etc.resolve("genesis-bundle.bin");
        if (Files.exists(b)) {
            Files.setPosixFilePermissions(b, PosixFilePermissions.fromString("rw-------"));
        }
        Files.copy(bundleFile, b, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(b, PosixFilePermissions.fromString("r--------"));
        Path p = etc.resolve("genesis-bundle.pass");
        if (!Files.exists(p)) {
            writeSecret(p, Files.readString(passwordFile).strip());
        }
    }

    static void awaitLog(KarafNode node, String text, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!node.log().contains(text)) {
            if (System.nanoTime() > end) {
                throw new AssertionError(node.name() + ": no '" + text + "' in the log; tail:\n" + node.logTail(40));
            }
            Thread.sleep(200);
        }
    }

    static String openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    @Test
    @Order(1)
    void theNodeLogShowsThePlaybookEnrollmentSequence() {
        String log = alpha.log();
        String[] lines = {
            "[INFO] Loading genesis bundle from " + alpha.home().resolve("etc/aethercore/genesis-bundle.bin"),
            "[INFO] Verifying bundle signature...",
            "[SUCCESS] Genesis bundle validated",
            "[INFO] Generating TPM Quote for enrollment...",
            "[INFO] Sending enrollment request to Federation Authority...",
            "[INFO] Received PlatformIdentity (NodeID: unit-alpha-7)",
            "[SUCCESS] Enrollment complete. Joining mesh..."};
        int at = 0;
        for (String line : lines) {
            int i = log.indexOf(line, at);
            assertTrue(i >= 0, "'" + line + "' missing or out of order in:\n" + alpha.logTail(60));
            at = i + line.length();
        }
        assertTrue(charlie.log().contains("[INFO] Generating software attestation quote for enrollment"),
                "the software node says it has no TPM");
    }

    @Test
    @Order(2)
    void opensslReadsTheRootVerifiesEveryNodeCertificateAndOpensTheGenesisBundle() throws Exception {
        Path dir = fa.home().resolve("etc/aethercore");
        String text = openssl(dir, "x509", "-in", rootPem.toString(), "-noout", "-text");
        assertTrue(text.contains("CA:TRUE") && text.contains("AetherCore Federation"), text);
        for (KarafNode m : List.of(alpha, bravo, charlie)) {
            Path cert = m.home().resolve("data/aethercore/mesh/node-cert.pem");
            String verified = openssl(dir, "verify", "-CAfile", rootPem.toString(), cert.toString());
            assertEquals(cert + ": OK", verified.strip());
            String subject = openssl(dir, "x509", "-in", cert.toString(), "-noout", "-subject");
            assertTrue(subject.contains("CN = " + m.name()), subject);
        }
        Path signed = Files.createTempFile(dir, "genesis", ".p7");
        openssl(dir, "cms", "-decrypt", "-inform", "DER", "-in", bundle.toString(), "-pwri_password",
                Files.readString(password).strip(), "-out", signed.toString());
        // -purpose any: the signer is the root itself (KeyUsage keyCertSign|cRLSign), which openssl's default
        // S/MIME signing purpose refuses; chain and signature are still checked (docs/mesh-pki.md). -binary: the
        // payload is signed as bytes, not as canonical MIME text.
        String payload = openssl(dir, "cms", "-verify", "-inform", "DER", "-in", signed.toString(), "-CAfile",
                rootPem.toString(), "-binary", "-purpose", "any");
        assertTrue(payload.startsWith("aethercore-genesis/1"), payload);
        assertTrue(payload.contains("role=fa"), payload);
        Files.delete(signed);
    }

    @Test
    @Order(3)
    void everyNodeListsEveryNodeHealthy() throws Exception {
        for (KarafNode at : List.of(fa, alpha, bravo, charlie)) {
            String out = at.awaitOutput("aether:list-nodes --status HEALTHY",
                    o -> o.contains(FA + " ") && o.contains(ALPHA + " ") && o.contains(BRAVO + " ") && o.contains(CHARLIE + " "),
                    Duration.ofSeconds(60));
            assertTrue(out.startsWith("NODE_ID          STATUS    TRUST_SCORE  LAST_SEEN"), out);
        }
        String trust = alpha.execute("aether:trust " + CHARLIE);
        assertTrue(trust.contains("software"), "a software node is marked software: " + trust);
    }

    @Test
    @Order(4)
    void membersReachEachOtherOverB4aeWithNoPerPeerConfiguration() throws Exception {
        String peers = alpha.execute("config:property-list -p " + AetherCoreNodes.B4AE_PID);
        assertFalse(peers.contains("peers."), "alpha has no hand-written peers: " + peers);
        String connect = alpha.execute("aether:b4ae-connect -m mode_b " + BRAVO);
        assertTrue(connect.contains(" with " + BRAVO + " at ") && connect.contains("mode B"), connect);
        String sent = alpha.execute("aether:b4ae-send " + BRAVO + " hello-from-the-federation");
        assertTrue(sent.startsWith("sent 25 bytes to " + BRAVO), sent);
    }

    @Test
    @Order(5)
    void refusalsEachWithAClearErrorAndNoEnrollment() throws Exception {
        // 1. a tampered bundle
        Path tampered = Files.createTempFile(fa.home(), "tampered", ".bin");
        byte[] b = Files.readAllBytes(bundle);
        b[b.length / 2] ^= 0x01;
        Files.write(tampered, b);
        install(rogue, tampered);
        rogue.configureAll(MESH, Map.of("role", "member", "node_id", "rogue-5"));
        String st = rogue.awaitOutput("aether:enrollment", o -> o.contains("GENESIS_INVALID"), Duration.ofSeconds(60));
        assertTrue(st.contains("Message:"), st);
        awaitLog(rogue, "[ERROR] Genesis bundle refused", Duration.ofSeconds(10));

        // 2. a bundle that pins the authority at an address where another node answers (a rogue FA)
        Path wrongFa = fa.home().resolve("etc/aethercore/wrong-fa.bin");
        fa.execute(genesisCommand(wrongFa, alpha.b4aeAddress().replace("/", "")));
        install(rogue, wrongFa);
        rogue.configureAll(MESH, Map.of("role", "member", "node_id", "rogue-6"));
        String wrong = rogue.awaitOutput("aether:enrollment",
                o -> o.contains("could not open a B4AE session to the Federation Authority"), Duration.ofSeconds(90));
        assertTrue(wrong.contains("State:         ENROLLING"), wrong);

        // 3. a second node claiming an enrolled NodeID
        install(rogue, bundle);
        rogue.configureAll(MESH, Map.of("role", "member", "node_id", ALPHA));
        String dup = rogue.awaitOutput("aether:enrollment", o -> o.contains("REFUSED"), Duration.ofSeconds(90));
        assertTrue(dup.contains("NodeID 'unit-alpha-7' is already enrolled with another key"), dup);

        // 4. a platform whose PCR 7 differs from the federation's policy
        String ext = rogue.execute("aether:tpm-pcr-extend 7 unsigned-bootloader");
        assertTrue(ext.startsWith("PCR 7 (sha256) extended: 0x"), ext);
        rogue.configureAll(MESH, Map.of("role", "member", "node_id", "rogue-5"));
        String pcr = rogue.awaitOutput("aether:enrollment", o -> o.contains("REFUSED") && o.contains("rogue-5"),
                Duration.ofSeconds(90));
        assertTrue(pcr.contains("TPM Quote verification failed: PCR 7 differs"), pcr);
        awaitLog(rogue, "[ERROR] TPM Quote verification failed: PCR 7 differs", Duration.ofSeconds(10));

        String list = fa.execute("aether:list-nodes");
        assertFalse(list.contains("rogue"), "no refused node is enrolled: " + list);
        String counters = fa.execute("aether:enrollment");
        assertTrue(counters.contains("Enrolled:      4 nodes"), counters);
    }

    @Test
    @Order(6)
    void aPcrChangeAfterEnrollmentMakesTheNodeCompromisedOnItsPeers() throws Exception {
        long t0 = System.nanoTime();
        bravo.execute("aether:tpm-pcr-extend 2 tampered-option-rom");
        for (KarafNode at : List.of(fa, alpha, charlie)) {
            at.awaitOutput("aether:list-nodes --status COMPROMISED", o -> o.contains(BRAVO + " "), Duration.ofSeconds(30));
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf("MeshIT: PCR extended on %s, COMPROMISED on every peer after %d ms (re-attestation interval 8 s)%n",
                BRAVO, ms);
        String trust = alpha.execute("aether:trust " + BRAVO);
        assertTrue(trust.contains("PCR 2 differs"), trust);
    }

    @Test
    @Order(7)
    void aKilledNodeGoesDegradedThenQuarantinedAndComesBackHealthyWithoutReenrolling() throws Exception {
        String before = fa.execute("aether:enrollment");
        charlie.kill();
        long t0 = System.nanoTime();
        alpha.awaitOutput("aether:list-nodes --status DEGRADED", o -> o.contains(CHARLIE + " "), Duration.ofSeconds(30));
        long degraded = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        String q = alpha.awaitOutput("aether:list-nodes --status QUARANTINED", o -> o.contains(CHARLIE + " "),
                Duration.ofSeconds(30));
        long quarantined = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertFalse(q.contains("COMPROMISED"));
        charlie.restart();
        alpha.awaitOutput("aether:list-nodes --status HEALTHY", o -> o.contains(CHARLIE + " "), Duration.ofSeconds(60));
        long back = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf("MeshIT: %s killed: DEGRADED after %d ms, QUARANTINED after %d ms, HEALTHY again %d ms after the kill%n",
                CHARLIE, degraded, quarantined, back);
        awaitLog(charlie, "[SUCCESS] Node certificate of unit-charlie-1 loaded", Duration.ofSeconds(5));
        Matcher a = Pattern.compile("accepted (\\d+)").matcher(before);
        Matcher b = Pattern.compile("accepted (\\d+)").matcher(fa.execute("aether:enrollment"));
        assertTrue(a.find() && b.find());
        assertEquals(a.group(1), b.group(1), "the restarted node did not enrol again");
    }
}
