package io.aethercore.shell.internal.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The SNTP client against a fake NTP server on a real local UDP socket. */
class SntpTest {

    /** A one-thread NTP server on 127.0.0.1 whose clock is {@code skewNanos} off ours; {@code tamper} edits replies. */
    static final class FakeNtp implements AutoCloseable {
        final DatagramSocket socket;
        final Thread thread;

        FakeNtp(long skewNanos, UnaryOperator<byte[]> tamper) throws Exception {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                byte[] buf = new byte[512];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        long now = Sntp.systemWallNanos() + skewNanos;
                        byte[] r = new byte[48];
                        r[0] = 0x24; // LI 0, v4, mode 4
                        r[1] = 2; // stratum 2
                        System.arraycopy(buf, 40, r, 24, 8); // originate = client's transmit
                        Sntp.unixNanosToNtp(now, r, 32);
                        Sntp.unixNanosToNtp(now + 1000, r, 40);
                        r = tamper.apply(r);
                        socket.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "fake-ntp");
            thread.setDaemon(true);
            thread.start();
        }

        Sntp.Server server() {
            return new Sntp.Server("127.0.0.1", socket.getLocalPort());
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    @Test
    void measuresOffsetOfALocalServer() throws Exception {
        try (FakeNtp ntp = new FakeNtp(3_000_000_000L, r -> r)) {
            Sntp.Result r = new Sntp(Duration.ofSeconds(2)).query(ntp.server());
            assertEquals(3.0, r.offset().toNanos() / 1e9, 0.05, r.describe());
            assertEquals(2, r.stratum());
            Check c = Preflight.clock(List.of(ntp.server()), new Sntp(Duration.ofSeconds(2)));
            assertEquals(Check.Status.FAIL, c.status(), c.line());
            assertTrue(c.detail().contains("offset > 1 s"), c.line());
        }
        try (FakeNtp ntp = new FakeNtp(-200_000_000L, r -> r)) {
            Check c = Preflight.clock(List.of(ntp.server()), new Sntp(Duration.ofSeconds(2)));
            assertEquals(Check.Status.PASS, c.status(), c.line());
            assertTrue(c.detail().contains("offset -0.2"), c.line());
        }
    }

    @Test
    void refusesRepliesThatDoNotAnswerUs() throws Exception {
        try (FakeNtp ntp = new FakeNtp(0, r -> {
            r[24] ^= 1;
            return r;
        })) {
            Sntp.SntpException e = assertThrows(Sntp.SntpException.class, () -> new Sntp(Duration.ofSeconds(2)).query(ntp.server()));
            assertTrue(e.getMessage().contains("originate timestamp"), e.getMessage());
        }
        try (FakeNtp ntp = new FakeNtp(0, r -> {
            r[1] = 0;
            r[12] = 'R';
            r[13] = 'A';
            r[14] = 'T';
            r[15] = 'E';
            return r;
        })) {
            Sntp.SntpException e = assertThrows(Sntp.SntpException.class, () -> new Sntp(Duration.ofSeconds(2)).query(ntp.server()));
            assertTrue(e.getMessage().contains("kiss-o'-death RATE"), e.getMessage());
        }
        try (FakeNtp ntp = new FakeNtp(0, r -> java.util.Arrays.copyOf(r, 20))) {
            Sntp.SntpException e = assertThrows(Sntp.SntpException.class, () -> new Sntp(Duration.ofSeconds(2)).query(ntp.server()));
            assertTrue(e.getMessage().contains("20 bytes"), e.getMessage());
        }
    }

    @Test
    void silentServerTimesOutAndNoAnswerFails() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Sntp.Server s = new Sntp.Server("127.0.0.1", silent.getLocalPort());
            Check c = Preflight.clock(List.of(s), new Sntp(Duration.ofMillis(200)));
            assertEquals(Check.Status.FAIL, c.status(), c.line());
            assertTrue(c.detail().contains("no NTP server answered"), c.line());
        }
        assertEquals(Check.Status.WARN, Preflight.clock(List.of(), new Sntp(Duration.ofMillis(200))).status());
    }

    @Test
    void serverListsParse() {
        assertEquals(List.of(new Sntp.Server("ntp.example.com", 123), new Sntp.Server("127.0.0.1", 1123),
                new Sntp.Server("::1", 123), new Sntp.Server("::1", 50)),
                Sntp.Server.parseList("ntp.example.com, 127.0.0.1:1123,::1,[::1]:50"));
        assertThrows(IllegalArgumentException.class, () -> Sntp.Server.parse("host:99999"));
        assertThrows(IllegalArgumentException.class, () -> Sntp.Server.parse("bad host"));
    }

    @Test
    void timestampsRoundTrip() {
        byte[] b = new byte[8];
        long t = 1_760_000_000_123_456_789L;
        Sntp.unixNanosToNtp(t, b, 0);
        assertEquals(t, Sntp.ntpToUnixNanos(b, 0), 2);
    }
}
