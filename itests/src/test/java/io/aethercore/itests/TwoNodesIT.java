package io.aethercore.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.testing.karaf.AetherCoreNodes;
import io.aethercore.testing.karaf.ConsoleResult;
import io.aethercore.testing.karaf.KarafCluster;
import io.aethercore.testing.karaf.KarafNode;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two AetherCore nodes, each a Karaf JVM of its own from the assembled distribution with its own ports,
 * data and swtpm (the multi-node harness, testing/karaf-nodes), pinned as each other's B4AE peers through
 * their configuration files, then talking in Mode B and Mode A, all through their consoles.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodesIT {

    @RegisterExtension
    static final KarafCluster NODES = KarafCluster.of(2, i -> AetherCoreNodes.node("node" + i));

    private static final Pattern SESSION_ROW = Pattern.compile(
            "(?m)^(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(A|B)\\s+(initiator|responder)\\s+(\\S+)\\s+.*$");

    @BeforeAll
    static void pinEachOther() throws Exception {
        System.out.printf("TwoNodesIT: two nodes ready in %d ms (node1 booted in %d ms, node2 in %d ms)%n",
                NODES.startMillis(), NODES.node(1).bootMillis(), NODES.node(2).bootMillis());
        AetherCoreNodes.pinEachOther(NODES.nodes());
    }

    @Test
    @Order(1)
    void eachNodeHasItsOwnIdentityPortsAndTpm() throws Exception {
        KarafNode n1 = NODES.node(1);
        KarafNode n2 = NODES.node(2);
        String id1 = AetherCoreNodes.identity(n1);
        String id2 = AetherCoreNodes.identity(n2);
        assertTrue(id1.startsWith("name=node1;address=" + n1.b4aeAddress() + ";x25519="), id1);
        assertTrue(id2.startsWith("name=node2;address=" + n2.b4aeAddress() + ";x25519="), id2);
        assertNotEquals(field(id1, "x25519"), field(id2, "x25519"), "each node made its own X25519 key");
        assertNotEquals(field(id1, "mldsa87"), field(id2, "mldsa87"), "each node made its own ML-DSA-87 key");
        assertNotEquals(n1.sshPort(), n2.sshPort());
        for (KarafNode n : NODES.nodes()) {
            // the TPM answering is this node's own simulator (the TPM bundle looks for it at start and every 10 s)
            String pcrs = n.awaitOutput("aether:tpm-pcrs sha256:0", o -> o.contains(Integer.toString(n.swtpm().port())),
                    Duration.ofSeconds(30));
            assertTrue(pcrs.startsWith("# tpm"), pcrs);
        }
    }

    @Test
    @Order(2)
    void modeBSessionFromNode1ToNode2() throws Exception {
        KarafNode n1 = NODES.node(1);
        KarafNode n2 = NODES.node(2);
        String connect = n1.execute("aether:b4ae-connect -m mode_b node2");
        assertTrue(connect.contains(" with node2 at /" + n2.b4aeAddress() + ": mode B, peer key "), connect);
        assertTrue(connect.contains("established in "), connect);
        String sent = n1.execute("aether:b4ae-send node2 hello-over-mode-b");
        assertTrue(sent.startsWith("sent 17 bytes to node2 (session ") && sent.contains("mode B)"), sent);

        assertSession(n1.execute("aether:b4ae-sessions"), "node2", "B", "initiator", n2.b4aeAddress());
        String atN2 = n2.awaitOutput("aether:b4ae-sessions", o -> o.contains(" node1 "), Duration.ofSeconds(10));
        assertSession(atN2, "node1", "B", "responder", n1.b4aeAddress());
        // DATA records on AES-256-GCM where this JVM has AES and carry-less multiply instructions (§5.6); the nodes
        // run the same JDK on the same CPU as this test
        String expected = productFlag("UseAES") && !"false".equals(productFlagText("UseCLMUL"))
                ? "AES-256-GCM" : "ChaCha20-Poly1305";
        String json = n1.execute("aether:b4ae-sessions --json");
        assertTrue(json.contains("\"record_aead\": \"" + expected + "\""), expected + " expected in " + json);
    }

    private static boolean productFlag(String name) {
        return "true".equals(productFlagText(name));
    }

    /** A HotSpot product flag of this JVM, or null when it has none of that name (UseCLMUL is x86 only). */
    private static String productFlagText(String name) {
        try {
            return java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    @Test
    @Order(3)
    void modeASessionFromNode2ToNode1() throws Exception {
        KarafNode n1 = NODES.node(1);
        KarafNode n2 = NODES.node(2);
        // the other direction: node2 initiates, so the Mode B session of node1 is not simply reused
        String connect = n2.execute("aether:b4ae-connect -m mode_a node1");
        assertTrue(connect.contains(" with node1 at /" + n1.b4aeAddress() + ": mode A, peer key "), connect);
        String sent = n2.execute("aether:b4ae-send node1 hello-over-mode-a");
        assertTrue(sent.startsWith("sent 17 bytes to node1 (session ") && sent.contains("mode A)"), sent);

        assertSession(n2.execute("aether:b4ae-sessions"), "node1", "A", "initiator", n1.b4aeAddress());
        String atN1 = n1.awaitOutput("aether:b4ae-sessions", o -> o.matches("(?s).* node2 +A .*"), Duration.ofSeconds(10));
        assertSession(atN1, "node2", "A", "responder", n2.b4aeAddress());
    }

    @Test
    @Order(4)
    void consoleRoundTrips() throws Exception {
        KarafNode n1 = NODES.node(1);
        long total = 0;
        int n = 10;
        for (int i = 0; i < n; i++) {
            ConsoleResult r = n1.run("aether:b4ae-sessions -i");
            assertEquals(0, r.exitStatus(), r.output());
            total += r.millis();
        }
        ConsoleResult viaClient = n1.runWithBinClient("aether:b4ae-sessions -i");
        assertTrue(viaClient.output().contains("pin me with: name=node1;"), viaClient.output());
        System.out.printf("TwoNodesIT: console round trip in-process SSH %d ms (mean of %d), bin/client %d ms%n",
                total / n, n, viaClient.millis());
        // a failing command fails loudly, with what the console said
        ConsoleResult bad = n1.run("aether:b4ae-connect nobody");
        assertNotEquals(0, bad.exitStatus());
        assertTrue(bad.output().contains("Error executing command"), bad.output());
    }

    @Test
    @Order(5)
    void node1RotatesItsKeysOverLiveSessionsAndNode2LearnsThem() throws Exception {
        KarafNode n1 = NODES.node(1);
        KarafNode n2 = NODES.node(2);
        String before = AetherCoreNodes.identity(n1);
        String dry = n1.execute("aether:b4ae-rotate-keys --dry-run");
        assertTrue(dry.startsWith("dry run, nothing changed: node node1 key generation 0 -> 1"), dry);
        assertTrue(dry.contains("peers to notify: node2"), dry);
        assertEquals(before, AetherCoreNodes.identity(n1), "a dry run changes nothing");

        String done = n1.execute("aether:b4ae-rotate-keys");
        assertTrue(done.startsWith("node node1 key generation 0 -> 1"), done);
        assertTrue(done.contains("peers notified: node2"), done);
        String after = AetherCoreNodes.identity(n1);
        assertNotEquals(field(before, "x25519"), field(after, "x25519"), "new X25519 key: " + after);
        assertNotEquals(field(before, "mldsa87"), field(after, "mldsa87"), "new ML-DSA-87 key: " + after);

        // node2 verified the announcement (signed by node1's old and new keys) and kept what it learned on disk
        java.nio.file.Path learned = awaitFile(n2.home(), "learned-keys-node2.txt", Duration.ofSeconds(20));
        String text = java.nio.file.Files.readString(learned);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("node1 1 ")), "node1 at generation 1 in:\n" + text);
        // the sessions opened under the old keys carry on, both ways
        String sent = n1.execute("aether:b4ae-send node2 after-rotation");
        assertTrue(sent.startsWith("sent 14 bytes to node2 (session "), sent);
        String back = n2.execute("aether:b4ae-send node1 after-rotation");
        assertTrue(back.startsWith("sent 14 bytes to node1 (session "), back);
    }

    private static java.nio.file.Path awaitFile(java.nio.file.Path root, String name, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (var files = java.nio.file.Files.walk(root)) {
                var found = files.filter(f -> f.getFileName().toString().equals(name)).findFirst();
                if (found.isPresent() && java.nio.file.Files.size(found.get()) > 0) {
                    return found.get();
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no " + name + " under " + root + " after " + timeout);
            }
            Thread.sleep(200);
        }
    }

    private static void assertSession(String table, String peer, String mode, String role, String peerAddress) {
        Matcher m = SESSION_ROW.matcher(table);
        List<String> rows = new java.util.ArrayList<>();
        while (m.find()) {
            rows.add(m.group());
            if (m.group(3).equals(peer) && m.group(4).equals(mode) && m.group(5).equals(role)) {
                assertEquals("/" + peerAddress, m.group(6), m.group());
                return;
            }
        }
        throw new AssertionError("no " + mode + " session with " + peer + " as " + role + " in:\n" + table + "\nrows: " + rows);
    }

    private static String field(String identity, String name) {
        for (String part : identity.split(";")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + identity);
    }
}
