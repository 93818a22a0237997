package io.aethercore.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.testing.karaf.AetherCoreNodes;
import io.aethercore.testing.karaf.KarafCluster;
import io.aethercore.testing.karaf.KarafNode;
import io.aethercore.testing.karaf.LossyNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One node of the assembled distribution in a network namespace of its own (the harness's
 * {@code KarafCluster.inNamespaces()}): its JVM and its swtpm run there, its B4AE endpoint listens on
 * 0.0.0.0:4000 of the namespace, its console answers at the namespace's address, and a kill -9 and restart
 * work there. Needs root and nftables, like every test on a {@link LossyNetwork}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NamespaceNodeIT {

    @RegisterExtension
    static final KarafCluster NODES = KarafCluster.of(1, i -> AetherCoreNodes.node("ns-node" + i)).inNamespaces();

    @Test
    @Order(1)
    void theNodeRunsInItsNamespaceWithItsSwtpmAndListensOnPort4000() throws Exception {
        KarafNode n = NODES.node(1);
        LossyNetwork.Host host = n.namespace();
        assertEquals(host.address(), n.address());
        assertTrue(n.address().matches("10\\.77\\.\\d+\\.11"), n.address());
        assertEquals(n.address() + ":4000", n.b4aeAddress());
        String id = AetherCoreNodes.identity(n);
        assertTrue(id.startsWith("name=ns-node1;address=" + n.b4aeAddress() + ";x25519="), id);
        assertListensOn4000(host);
        String pids = run(List.of("ip", "netns", "pids", host.namespace()));
        assertTrue(pids.contains(Long.toString(n.pid())), "the JVM " + n.pid() + " is in the namespace: " + pids);
        assertEquals(n.address(), n.swtpm().host(), "the swtpm listens on the namespace's address");
        String pcrs = n.awaitOutput("aether:tpm-pcrs sha256:0", o -> o.contains(Integer.toString(n.swtpm().port())),
                Duration.ofSeconds(30));
        assertTrue(pcrs.startsWith("# tpm"), pcrs);
    }

    @Test
    @Order(2)
    void lossIsOnTheNodesOwnEgressAndTheConsoleStaysReachable() throws Exception {
        KarafNode n = NODES.node(1);
        NODES.network().setLossAll(80);
        String rules = NODES.network().ruleset(n.name());
        assertTrue(rules.contains("hook egress device \"eth0\"") && rules.contains("numgen random mod 100 < 80"), rules);
        // TCP (the console) is not touched by the UDP loss
        for (int i = 0; i < 5; i++) {
            assertTrue(n.execute("aether:b4ae-sessions -i").contains("pin me with: "));
        }
        NODES.network().setLossAll(0);
    }

    @Test
    @Order(3)
    void killAndRestartInsideTheNamespace() throws Exception {
        KarafNode n = NODES.node(1);
        long before = n.pid();
        n.kill();
        assertFalse(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false), "kill -9 ended the JVM");
        assertFalse(run(List.of("ip", "netns", "pids", n.namespace().namespace()))
                .contains(Long.toString(before)));
        n.restart();
        assertNotEquals(before, n.pid());
        assertEquals(n.b4aeAddress(), field(AetherCoreNodes.identity(n), "address"));
        assertListensOn4000(n.namespace());
    }

    /** UDP 4000 on every address of the namespace (the JVM's dual-stack socket: ss shows {@code *:4000}). */
    static void assertListensOn4000(LossyNetwork.Host host) throws IOException, InterruptedException {
        String ss = inNamespace(host, "ss", "-H", "-uln");
        assertTrue(ss.matches("(?s).*(\\*|0\\.0\\.0\\.0|\\[::\\]):4000\\s.*"),
                "the B4AE endpoint listens on UDP 4000 on every address of the namespace:\n" + ss);
    }

    static String field(String identity, String key) {
        for (String kv : identity.split(";")) {
            if (kv.startsWith(key + "=")) {
                return kv.substring(key.length() + 1);
            }
        }
        throw new AssertionError("no " + key + " in " + identity);
    }

    static String inNamespace(LossyNetwork.Host host, String... command) throws IOException, InterruptedException {
        return run(host.exec(command));
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }
}
