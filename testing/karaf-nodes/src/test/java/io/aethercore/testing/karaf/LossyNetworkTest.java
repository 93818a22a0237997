package io.aethercore.testing.karaf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The network part of the harness without Karaf: two namespaces on the bridge, a UDP sender (a JVM in one)
 * and a receiver (a JVM in the other), real loss from nftables. Needs root and nftables (scripts/run-tests.sh
 * installs it); fails, not skips, without them.
 */
class LossyNetworkTest {

    static final int N = 2000;
    static final int PORT = 7000;

    @Test
    void lossIsRandomEgressOnlyAndUdpOnlyAndPartitionsCutBothWays() throws Exception {
        LossyNetwork net = LossyNetwork.create();
        List<String> names = new ArrayList<>();
        Process server = null, client = null;
        try (net) {
            LossyNetwork.Host a = net.add("a"), b = net.add("b");
            names.add(a.namespace());
            names.add(b.namespace());
            assertEquals(net.subnet().replace(".0/24", ".11"), a.address());
            assertEquals(net.subnet().replace(".0/24", ".12"), b.address());

            server = probe(b, "serve", Integer.toString(PORT));
            awaitTcp(b.address(), PORT); // the test JVM reaches the namespace through the bridge
            client = probe(a, "client");
            PrintWriter commands = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8);
            BufferedReader answers = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));

            assertEquals(N, send(commands, answers, b, 1), "no loss set: every datagram arrives");

            net.setLoss("b", 80);
            assertEquals(N, send(commands, answers, b, 2), "loss on b is on b's egress only: a -> b is untouched");
            net.setLoss("b", 0);

            net.setLoss("a", 80);
            int delivered = send(commands, answers, b, 3); // the TCP question and answer pass through the same rule
            System.out.printf("LossyNetworkTest: 80 %% egress loss on a: %d of %d datagrams arrived%n", delivered, N);
            assertTrue(delivered >= 0.16 * N && delivered <= 0.24 * N,
                    "80 % loss on a: about 20 % of " + N + " arrive (binomial sd 0.9 points), got " + delivered + "\n" + net.ruleset("a"));
            assertTrue(net.ruleset("a").contains("numgen random mod 100 < 80"), net.ruleset("a"));

            net.setLossAll(0);
            net.partition(Set.of("a"), Set.of("b"));
            assertEquals(0, send(commands, answers, b, 4), "partitioned: no UDP from a to b (TCP still answers)");
            assertEquals(0, udpFromB(b, a), "partitioned: no UDP from b to a either");

            net.heal();
            assertEquals(N, send(commands, answers, b, 5), "healed: everything arrives again");
            assertEquals(0, net.host("a").loss());
        } finally {
            destroy(client);
            destroy(server);
        }
        for (String ns : names) {
            assertFalse(Files.exists(Path.of("/run/netns", ns)), "namespace " + ns + " removed");
        }
        assertFalse(Files.exists(Path.of("/sys/class/net", net.bridge())), "bridge removed");
        assertFalse(Files.exists(LossyNetwork.STATE_DIR.resolve(net.id())), "owner file removed");
    }

    @Test
    void aRunWhoseJvmIsGoneIsRemovedByTheNextOne() throws Exception {
        LossyNetwork stale = LossyNetwork.create();
        try {
            LossyNetwork.Host h = stale.add("x");
            Process sleeper = new ProcessBuilder(h.exec("sleep", "600")).start();
            // pretend its JVM was killed: the owner file names a process that has exited
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            Files.writeString(LossyNetwork.STATE_DIR.resolve(stale.id()), "pid=" + gone.pid() + "\n");
            try (LossyNetwork fresh = LossyNetwork.create()) {
                assertFalse(Files.exists(Path.of("/run/netns", h.namespace())), "stale namespace removed");
                assertFalse(Files.exists(Path.of("/sys/class/net", stale.bridge())), "stale bridge removed");
                assertTrue(sleeper.waitFor(10, TimeUnit.SECONDS), "the process in the stale namespace was killed");
                assertTrue(Files.exists(Path.of("/sys/class/net", fresh.bridge())));
            }
        } finally {
            stale.close(); // nothing left to remove: must not fail
        }
    }

    /** Sends N datagrams from the client's namespace to b in the given round; returns how many arrived. */
    static int send(PrintWriter commands, BufferedReader answers, LossyNetwork.Host to, int round) throws IOException {
        commands.println("send " + to.address() + " " + PORT + " " + round + " " + N);
        String answer = answers.readLine();
        assertTrue(answer != null && answer.startsWith("delivered "), "the probe in a answered: " + answer
                + " (TCP between the namespaces must work whatever the UDP loss)");
        return Integer.parseInt(answer.substring("delivered ".length()).trim());
    }

    /** Datagrams b sends to a server in a: python-free, with a second probe pair the other way. */
    static int udpFromB(LossyNetwork.Host b, LossyNetwork.Host a) throws Exception {
        Process server = probe(a, "serve", Integer.toString(PORT + 1));
        Process client = probe(b, "client");
        try {
            awaitTcp(a.address(), PORT + 1);
            PrintWriter commands = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8);
            BufferedReader answers = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            commands.println("send " + a.address() + " " + (PORT + 1) + " 1 200");
            String answer = answers.readLine();
            assertTrue(answer != null && answer.startsWith("delivered "), "the probe in b answered: " + answer);
            return Integer.parseInt(answer.substring("delivered ".length()).trim());
        } finally {
            destroy(client);
            destroy(server);
        }
    }

    static Process probe(LossyNetwork.Host host, String... args) throws IOException {
        String classes = Path.of(UdpProbe.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        List<String> cmd = new ArrayList<>(host.launcher());
        cmd.addAll(List.of(Jdk17.locate().resolve("bin/java").toString(), "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", classes, UdpProbe.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    static void awaitTcp(String host, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 500);
                s.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no TCP answer from " + host + ":" + port + ": " + e);
                }
                Thread.sleep(50);
            }
        }
    }

    static void destroy(Process p) throws InterruptedException {
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
