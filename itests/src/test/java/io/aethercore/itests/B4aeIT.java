package io.aethercore.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.aethercore.api.b4ae.DatagramTransport;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.api.b4ae.Session;
import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.crypto.KeyAlgorithm;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * B4AE v2 (docs/b4ae-protocol.md) in a real Karaf: two B4AE nodes in one container (the distribution's endpoint and an
 * extra one from a factory configuration), each on its own free UDP port on loopback, both modes, the
 * console commands, and a transport swap under a live session.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class B4aeIT extends AetherCoreTestSupport {

    @Configuration
    public Option[] config() {
        // evaluated in the test JVM: the ports reach the container through the configuration files only
        int portA = freePort();
        int portB = freePort();
        List<Option> o = new ArrayList<>(List.of(containerOptions(aethercoreDistribution(), "AetherCore")));
        o.add(editConfigurationFilePut("etc/io.aethercore.b4ae.cfg", "listen_address", "127.0.0.1:" + portA));
        String n2 = "etc/io.aethercore.b4ae.node-n2.cfg";
        o.add(editConfigurationFilePut(n2, "name", "n2"));
        o.add(editConfigurationFilePut(n2, "listen_address", "127.0.0.1:" + portB));
        o.add(editConfigurationFilePut(n2, "identity_x25519_label", "n2-x25519"));
        o.add(editConfigurationFilePut(n2, "identity_mldsa87_label", "n2-mldsa87"));
        return o.toArray(new Option[0]);
    }

    private SecureChannel channel(String node) throws Exception {
        try {
            return waitForService(SecureChannel.class, "(" + SecureChannel.NODE + "=" + node + ")", 60_000);
        } catch (AssertionError e) {
            executeCommand("bundle:list -s");
            executeCommand("scr:list");
            executeCommand("log:display -n 200");
            throw e;
        }
    }

    private TrustStore trust(String node) throws Exception {
        return waitForService(TrustStore.class, "(" + SecureChannel.NODE + "=" + node + ")", 60_000);
    }

    private void pinEachOther(SecureChannel a, SecureChannel b) throws Exception {
        Instant now = Instant.now().minusSeconds(60);
        TrustStore ta = trust(a.nodeName());
        TrustStore tb = trust(b.nodeName());
        for (KeyAlgorithm alg : new KeyAlgorithm[] {KeyAlgorithm.X25519, KeyAlgorithm.ML_DSA_87}) {
            ta.pin(b.nodeName(), b.localKey(alg).orElseThrow(), now);
            tb.pin(a.nodeName(), a.localKey(alg).orElseThrow(), now);
        }
        ta.setAddress(b.nodeName(), b.localAddress());
        tb.setAddress(a.nodeName(), a.localAddress());
    }

    @Test
    public void twoNodesTalkInBothModesOverUdpAndTheConsoleWorks() throws Exception {
        SecureChannel a = channel("default");
        SecureChannel b = channel("n2");
        assertTrue("free loopback ports, not 4000", a.localAddress().getPort() != 4000 && b.localAddress().getPort() != 4000);
        assertEquals("127.0.0.1", a.localAddress().getHostString());
        pinEachOther(a, b);
        a.sessions().forEach(Session::close);   // start from fresh handshakes whatever ran before
        waitUntil("no sessions left", 10_000, () -> a.sessions().isEmpty() && b.sessions().isEmpty());
        while (b.accept(Duration.ofMillis(10)) != null) {
            // drop sessions accepted by an earlier test
        }
        for (Mode mode : Mode.values()) {
            Session s = a.connect("n2", mode);
            assertEquals(mode, s.info().mode());
            s.send(("ping " + mode).getBytes(StandardCharsets.UTF_8));
            Session atB = b.accept(Duration.ofSeconds(10));
            assertNotNull("n2 accepted the " + mode + " session", atB);
            assertEquals("default", atB.info().peer());
            assertArrayEquals(("ping " + mode).getBytes(StandardCharsets.UTF_8), atB.receive(Duration.ofSeconds(10)));
            atB.send(("pong " + mode).getBytes(StandardCharsets.UTF_8));
            assertArrayEquals(("pong " + mode).getBytes(StandardCharsets.UTF_8), s.receive(Duration.ofSeconds(10)));
            if (mode == Mode.A) {
                s.close();
                waitUntil("n2 saw the close", 10_000, () -> !atB.isOpen());
            } else {
                String sessions = executeCommand("aether:b4ae-sessions");
                assertTrue(sessions, sessions.contains("n2") && sessions.contains(" B ") && sessions.contains("pin me with: name=default"));
                String sent = executeCommand("aether:b4ae-send -n default n2 hello-from-the-console");
                assertTrue(sent, sent.contains("sent 22 bytes to n2"));
                assertArrayEquals("hello-from-the-console".getBytes(StandardCharsets.UTF_8), atB.receive(Duration.ofSeconds(10)));
                String connect = executeCommand("aether:b4ae-connect -n n2 default");
                assertTrue(connect, connect.contains("with default") && connect.contains("mode B"));
                s.close();
                waitUntil("n2 saw the close", 10_000, () -> !atB.isOpen());
            }
        }
        // handshake outcomes reach the audit log (signed, Merkle-proved, sent to the sinks)
        String[] log = new String[1];
        waitUntil("both modes' handshakes in the audit log", 15_000, () -> {
            log[0] = executeCommand("aether:audit-log --last 200");
            return log[0].contains("\"action\": \"B4aeHandshake\"") && log[0].contains("\"target\": \"mode_a\"")
                    && log[0].contains("\"target\": \"mode_b\"") && log[0].contains("\"operator_id\": \"b4ae\"");
        });
    }

    /**
     * Issue 17 item 5 in a real node: n2's peers entry for default allows Mode B only, and n2 (the responder)
     * refuses a Mode A handshake from default even though default's initiator side would offer it; removing
     * the entry again (item 6) revokes only the key the configuration pinned.
     */
    @Test
    public void theResponderEnforcesThePeersModePolicy() throws Exception {
        SecureChannel a = channel("default");
        SecureChannel b = channel("n2");
        pinEachOther(a, b);
        a.sessions().forEach(Session::close);
        waitUntil("no sessions left", 10_000, () -> a.sessions().isEmpty() && b.sessions().isEmpty());
        while (b.accept(Duration.ofMillis(10)) != null) {
            // drop sessions accepted by an earlier test
        }
        ConfigurationAdmin ca = bundleContext.getService(bundleContext.getServiceReference(ConfigurationAdmin.class));
        org.osgi.service.cm.Configuration[] found = ca.listConfigurations(
                "(&(service.factoryPid=io.aethercore.b4ae.node)(name=n2))");
        assertNotNull("n2's factory configuration", found);
        org.osgi.service.cm.Configuration n2 = found[0];
        Dictionary<String, Object> props = n2.getProperties();
        String x25519 = java.util.Base64.getEncoder().encodeToString(a.localKey(KeyAlgorithm.X25519).orElseThrow().encoded());
        Instant marker = Instant.now().minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        props.put("peers.1", "name=default;x25519=" + x25519 + ";modes=mode_b;valid_from=" + marker);
        n2.update(props);
        // ConfigAdmin delivers the change asynchronously: applied once the pin carries the entry's valid_from
        waitUntil("n2 applied the peers entry", 10_000, () -> trust("n2").keys("default").stream()
                .anyMatch(k -> k.key().algorithm() == KeyAlgorithm.X25519 && k.validFrom().equals(marker)));
        java.util.concurrent.CompletableFuture<Session> modeA = a.connectAsync("n2", b.localAddress(), Mode.A);
        Thread.sleep(4_000);                                     // a Mode A handshake takes milliseconds here
        assertTrue("n2 refused Mode A from a Mode-B-only peer", !modeA.isDone() || modeA.isCompletedExceptionally());
        assertTrue("no session on n2", b.sessions().isEmpty());
        modeA.cancel(true);
        Session s = a.connect("n2", Mode.B);
        assertEquals(Mode.B, s.info().mode());
        props.remove("peers.1");
        n2.update(props);
        waitUntil("the configured X25519 pin is revoked", 10_000,
                () -> trust("n2").keys("default").stream().noneMatch(k -> k.key().algorithm() == KeyAlgorithm.X25519));
        assertTrue("the Mode B session rests on the ML-DSA-87 key pinned through the service: it stays", s.isOpen());
        s.close();
    }

    /** A transport registered as a whiteboard service with a higher ranking takes over a live session, and back. */
    @Test
    public void transportSwapsUnderALiveSession() throws Exception {
        SecureChannel a = channel("default");
        SecureChannel b = channel("n2");
        int udpPort = a.localAddress().getPort();
        pinEachOther(a, b);
        Session s = a.connect("n2", Mode.A);
        s.send("before".getBytes(StandardCharsets.UTF_8));
        Session atB = b.accept(Duration.ofSeconds(10));
        if (atB == null) {
            atB = b.sessions().stream().filter(x -> x.info().peer().equals("default")).findFirst().orElseThrow();
        }
        drainUntil(atB, "before");
        TestUdp alt = new TestUdp(freePort());
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(DatagramTransport.NAME, "test-udp");
        p.put(Constants.SERVICE_RANKING, 100);
        ServiceRegistration<DatagramTransport> reg = bundleContext.registerService(DatagramTransport.class, alt, p);
        try {
            waitUntil("default uses the new transport", 10_000, () -> a.localAddress().getPort() == alt.port);
            s.send("during".getBytes(StandardCharsets.UTF_8));
            drainUntil(atB, "during");
            assertTrue("datagrams went through the new transport", alt.sent > 0);
            atB.send("reply".getBytes(StandardCharsets.UTF_8));
            assertArrayEquals("reply".getBytes(StandardCharsets.UTF_8), s.receive(Duration.ofSeconds(10)));
        } finally {
            reg.unregister();
            alt.close();
        }
        waitUntil("default is back on udp", 10_000, () -> a.localAddress().getPort() == udpPort);
        s.send("after".getBytes(StandardCharsets.UTF_8));
        drainUntil(atB, "after");
    }

    private static void drainUntil(Session s, String expected) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            byte[] m = s.receive(Duration.ofSeconds(1));
            if (m != null && new String(m, StandardCharsets.UTF_8).equals(expected)) {
                return;
            }
        }
        throw new AssertionError("did not receive '" + expected + "'");
    }

    /** A minimal UDP transport written against the SPI only, as a third party would. */
    static final class TestUdp implements DatagramTransport {
        final int port;
        final DatagramSocket socket;
        volatile Receiver receiver;
        volatile int sent;
        private final Thread thread;

        TestUdp(int port) throws IOException {
            this.port = port;
            this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
            this.thread = new Thread(() -> {
                byte[] buf = new byte[65507];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket pk = new DatagramPacket(buf, buf.length);
                        socket.receive(pk);
                        Receiver r = receiver;
                        if (r != null) {
                            r.onDatagram((InetSocketAddress) pk.getSocketAddress(), buf, pk.getLength());
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "test-udp");
            thread.setDaemon(true);
            thread.start();
        }

        @Override public String name() { return "test-udp"; }
        @Override public InetSocketAddress localAddress() { return new InetSocketAddress("127.0.0.1", port); }
        @Override public int maxDatagramSize() { return 65507; }
        @Override public void setReceiver(Receiver r) { this.receiver = r; }

        @Override
        public void send(InetSocketAddress to, byte[] data, int offset, int length) throws IOException {
            sent++;
            socket.send(new DatagramPacket(data, offset, length, to));
        }

        void close() {
            socket.close();
        }
    }
}
