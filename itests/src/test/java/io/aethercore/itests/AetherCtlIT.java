package io.aethercore.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.testing.karaf.AetherCoreNodes;
import io.aethercore.testing.karaf.ConsoleResult;
import io.aethercore.testing.karaf.KarafCluster;
import io.aethercore.testing.karaf.KarafNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code bin/aether-ctl} against a running distribution (one node for the class), as an operator at a shell runs
 * it: the local operator key made at first start, exit codes of good, failing and unknown commands, {@code --json},
 * refusal without the key, and the audit record naming the operator.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AetherCtlIT {

    @RegisterExtension
    static final KarafCluster NODES = KarafCluster.of(1, i -> AetherCoreNodes.node("ctl-fa"));

    /** The node is a Federation Authority of its own federation, so the mesh runs and list-nodes has a row. */
    @BeforeAll
    static void federation() throws Exception {
        KarafNode fa = NODES.node(1);
        Path etc = Files.createDirectories(fa.home().resolve("etc/aethercore"));
        Path rootPem = etc.resolve("federation-root.pem");
        Path password = etc.resolve("genesis-bundle.pass");
        assertTrue(fa.execute("aether:keygen --type federation-root --validity-days 3650 --output " + rootPem)
                .contains("generated inside custody"));
        MeshIT.writeSecret(password, "aether-ctl drill passphrase 42");
        String genesis = fa.execute("aether:genesis --root-cert " + rootPem + " --initial-merkle-root " + "ef".repeat(32)
                + " --output " + etc.resolve("genesis-bundle.bin") + " --password-file " + password + " --authority-name ctl-fa"
                + " --authority-address " + fa.b4aeAddress() + " --pcr-policy current --allow-software-attestation"
                + " --heartbeat-seconds 1 --reattestation-seconds 60");
        assertTrue(genesis.contains("Genesis bundle written"), genesis);
        fa.configureAll(MeshIT.MESH, Map.of("role", "authority", "node_id", "ctl-fa", "address", fa.b4aeAddress()));
        MeshIT.awaitLog(fa, "[SUCCESS] Federation Authority ctl-fa serving enrollment", Duration.ofSeconds(60));
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, long millis) {
    }

    static Run ctl(KarafNode n, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(n.home().resolve("bin/aether-ctl").toString());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("KARAF_") || k.startsWith("AETHER_CTL_"));
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("aether-ctl did not finish: " + out);
        }
        return new Run(p.exitValue(), out, (System.nanoTime() - t0) / 1_000_000);
    }

    static Run ctl(KarafNode n, String... args) throws IOException, InterruptedException {
        return ctl(n, Map.of(), args);
    }

    @Test
    @Order(1)
    void theLocalOperatorKeyWasMadeAtFirstStartReadableOnlyByTheServiceUser() throws Exception {
        Path home = NODES.node(1).home();
        Path key = home.resolve("etc/aether-ctl/local-operator.key");
        assertTrue(Files.exists(key), "bin/setenv made the key at the first start");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));
        String keys = Files.readString(home.resolve("etc/keys.properties"));
        assertTrue(keys.lines().anyMatch(l -> l.matches("local-operator=AAAA[A-Za-z0-9+/=]+,viewer,manager,ssh")), keys);
        // no user with a password ships
        String users = Files.readString(home.resolve("etc/users.properties"));
        assertTrue(users.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#") || l.startsWith("_g_\\:")),
                users);
        String shell = Files.readString(home.resolve("etc/org.apache.karaf.shell.cfg"));
        assertTrue(java.util.regex.Pattern.compile("(?m)^sshHost\\s*=\\s*127\\.0\\.0\\.1\\s*$").matcher(shell).find(), "the harness keeps loopback for a node outside a namespace");
    }

    @Test
    @Order(2)
    void aGoodCommandExitsZeroWithItsOutput() throws Exception {
        KarafNode n = NODES.node(1);
        Run r = ctl(n, "list-nodes");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("NODE_ID") && r.out().contains("TRUST_SCORE"), r.out());
        Run tpm = ctl(n, "tpm-test");
        assertEquals(0, tpm.exit(), tpm.out());
    }

    @Test
    @Order(3)
    void jsonParses() throws Exception {
        KarafNode n = NODES.node(1);
        Run nodes = ctl(n, "list-nodes", "--json");
        assertEquals(0, nodes.exit(), nodes.out());
        JsonNode list = JSON.readTree(nodes.out());
        assertTrue(list.isArray(), nodes.out());
        for (JsonNode e : list) {
            for (String f : List.of("node_id", "status", "trust_score", "last_seen", "attestation")) {
                assertTrue(e.has(f), f + " in " + e);
            }
        }
        Run mesh = ctl(n, "mesh-status", "--json");
        assertEquals(0, mesh.exit(), mesh.out());
        JsonNode m = JSON.readTree(mesh.out());
        for (String f : List.of("state", "gospel", "peers", "last_resync")) {
            assertTrue(m.has(f), f + " in " + mesh.out());
        }
        assertTrue(m.get("gospel").has("size") && m.get("gospel").has("root") && m.get("peers").isArray(), mesh.out());
        Run ops = ctl(n, "operator-list", "--json");
        assertEquals(0, ops.exit(), ops.out());
        assertTrue(JSON.readTree(ops.out()).isArray(), ops.out());
    }

    @Test
    @Order(4)
    void aFailingAndAnUnknownCommandExitNonZero() throws Exception {
        KarafNode n = NODES.node(1);
        Run bad = ctl(n, "trust", "no-such-node");
        assertNotEquals(0, bad.exit(), bad.out());
        Run badOption = ctl(n, "list-nodes", "--status", "NOT-A-STATUS");
        assertNotEquals(0, badOption.exit(), badOption.out());
        assertTrue(badOption.out().contains("--status must be one of"), badOption.out());
        Run unknown = ctl(n, "no-such-command");
        assertNotEquals(0, unknown.exit(), unknown.out());
        assertNotEquals(255, unknown.exit(), "the console answered (255 is ssh's own failure): " + unknown.out());
        Run usage = ctl(n);
        assertEquals(1, usage.exit(), usage.out());
        assertTrue(usage.out().contains("usage: aether-ctl"), usage.out());
    }

    @Test
    @Order(5)
    void refusedWithoutTheKey() throws Exception {
        KarafNode n = NODES.node(1);
        Path other = n.home().resolve("harness/other.key");
        Files.deleteIfExists(other);
        Files.deleteIfExists(Path.of(other + ".pub"));
        Process g = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", other.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, g.waitFor(), new String(g.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        Run wrongKey = ctl(n, Map.of("AETHER_CTL_KEY", other.toString()), "list-nodes");
        assertEquals(255, wrongKey.exit(), wrongKey.out());
        assertTrue(wrongKey.out().contains("Permission denied"), wrongKey.out());
        assertFalse(wrongKey.out().contains("NODE_ID"), wrongKey.out());
        Run noKey = ctl(n, Map.of("AETHER_CTL_KEY", n.home().resolve("harness/no-such.key").toString()), "list-nodes");
        assertEquals(2, noKey.exit(), noKey.out());
        assertTrue(noKey.out().contains("cannot read the local operator key"), noKey.out());
        // the right key for another user is refused too
        Run wrongUser = ctl(n, Map.of("AETHER_CTL_USER", "operator"), "list-nodes");
        assertEquals(255, wrongUser.exit(), wrongUser.out());
    }

    @Test
    @Order(6)
    void everyStateChangingUseIsAuditedWithTheOperatorIdentity() throws Exception {
        KarafNode n = NODES.node(1);
        Run purge = ctl(n, "purge", "no-such-node-" + System.nanoTime() % 1000);
        assertNotEquals(0, purge.exit(), purge.out());
        // printed through the console's grep: whole records are more than one SSH answer carries reliably
        String log = n.execute("aether:audit-log -n 50 | grep -B 3 \"aether:purge no-such-node\"",
                java.time.Duration.ofSeconds(60));
        assertTrue(log.contains("\"action\": \"ConsoleCommand\""), "a ConsoleCommand record of the purge: " + log);
        for (String line : log.lines().filter(l -> l.contains("\"operator_id\"")).toList()) {
            assertTrue(line.contains("\"local-operator\""), "the record names the operator: " + log);
        }
        assertTrue(log.contains("\"operator_id\": \"local-operator\""), log);
        // a read-only call records nothing: not its command, not the lines of the shell's init scripts
        Run read = ctl(n, "list-nodes");
        assertEquals(0, read.exit(), read.out());
        String initLines = n.execute("aether:audit-log -n 100 | grep \"shell:complete|setopt|keymap\"");
        assertTrue(initLines.isBlank(), "no record of the init scripts: " + initLines);
    }

    @Test
    @Order(7)
    void latencyAgainstBinClient() throws Exception {
        KarafNode n = NODES.node(1);
        ctl(n, "list-nodes");
        n.runWithBinClient("aether:list-nodes");
        long[] ctl = new long[7];
        long[] client = new long[3];
        for (int i = 0; i < ctl.length; i++) {
            Run r = ctl(n, "list-nodes");
            assertEquals(0, r.exit(), r.out());
            ctl[i] = r.millis();
        }
        for (int i = 0; i < client.length; i++) {
            ConsoleResult r = n.runWithBinClient("aether:list-nodes");
            client[i] = r.millis();
        }
        Arrays.sort(ctl);
        Arrays.sort(client);
        System.out.printf(Locale.ROOT, "aether-ctl list-nodes: median %d ms (min %d, max %d, %d runs); bin/client: median %d ms"
                + " (min %d, max %d, %d runs)%n", ctl[ctl.length / 2], ctl[0], ctl[ctl.length - 1], ctl.length,
                client[client.length / 2], client[0], client[client.length - 1], client.length);
    }
}
