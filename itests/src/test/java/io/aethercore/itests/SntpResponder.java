package io.aethercore.itests;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal SNTP server (RFC 4330, server side) on this machine's clock, for the drill's clock check: the sandbox
 * has no route to public NTP servers, so the nodes in their namespaces ask this one over the bridge. Every node and
 * this server share one kernel clock, so a correct client measures an offset near zero; what the step proves is
 * the exchange (a real UDP request and answer through the namespaces) and the client's arithmetic.
 */
final class SntpResponder implements AutoCloseable {

    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
    private static final long NTP_EPOCH_OFFSET = 2_208_988_800L;

    private final DatagramSocket socket;
    private final Thread thread;
    private final AtomicInteger answered = new AtomicInteger();

    private SntpResponder(DatagramSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::serve, "drill-sntp");
        this.thread.setDaemon(true);
    }

    static SntpResponder start(String bindAddress) throws IOException {
        SntpResponder r = new SntpResponder(new DatagramSocket(new InetSocketAddress(InetAddress.getByName(bindAddress), 0)));
        r.thread.start();
        return r;
    }

    int port() {
        return socket.getLocalPort();
    }

    int answered() {
        return answered.get();
    }

    private void serve() {
        byte[] in = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(in, in.length);
            try {
                socket.receive(p);
                long received = System.currentTimeMillis();
                // a client request: at least 48 bytes, mode 3 (client)
                if (p.getLength() < 48 || (in[0] & 0x07) != 3) {
                    continue;
                }
                ByteBuffer out = ByteBuffer.allocate(48);
                int version = (in[0] >> 3) & 0x07;
                out.put((byte) ((version << 3) | 4)); // LI 0, the client's version, mode 4 (server)
                out.put((byte) 1); // stratum 1
                out.put(in[2]); // poll, as asked
                out.put((byte) -20); // precision ~ 1 microsecond
                out.putInt(0); // root delay
                out.putInt(0); // root dispersion
                out.put("LOCL".getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // reference id
                putTime(out, received); // reference timestamp
                out.put(in, 40, 8); // originate = the client's transmit timestamp
                putTime(out, received); // receive
                putTime(out, System.currentTimeMillis()); // transmit
                socket.send(new DatagramPacket(out.array(), 48, p.getSocketAddress()));
                answered.incrementAndGet();
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // one bad exchange: keep serving
            }
        }
    }

    private static void putTime(ByteBuffer b, long epochMillis) {
        long seconds = epochMillis / 1000 + NTP_EPOCH_OFFSET;
        long fraction = (epochMillis % 1000) * 0x1_0000_0000L / 1000;
        b.putInt((int) seconds);
        b.putInt((int) fraction);
    }

    @Override
    public void close() {
        socket.close();
    }
}
