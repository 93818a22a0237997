package io.aethercore.b4ae.internal;

import io.aethercore.support.lifecycle.Workers;
import io.aethercore.api.b4ae.DatagramTransport;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP transport: one socket bound to {@code listen_address} (default 0.0.0.0:4000), one receive thread.
 * Datagrams up to 65507 bytes; handshake fragments stay below {@code max_datagram_size}.
 */
public final class UdpTransport implements DatagramTransport, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    public static final int MAX = 65507;

    private final DatagramSocket socket;
    private final Workers workers = Workers.create("b4ae", e -> { }, java.time.Duration.ofSeconds(2));
    private volatile Receiver receiver;
    private volatile boolean closed;

    public UdpTransport(InetSocketAddress bind) throws SocketException {
        this.socket = new DatagramSocket(null);
        socket.setReuseAddress(false);
        socket.setReceiveBufferSize(4 << 20);
        socket.setSendBufferSize(4 << 20);
        socket.bind(bind);
        workers.thread("udp-" + socket.getLocalPort(), this::run);
    }

    /** Parses {@code host:port} ({@code [v6]:port} too). */
    public static InetSocketAddress parse(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("address '" + text + "' is not host:port");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address '" + text + "' has no numeric port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range in '" + text + "'");
        }
        return new InetSocketAddress(host, port);
    }

    private void run() {
        byte[] buf = new byte[MAX];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                packet.setLength(buf.length);
                socket.receive(packet);
                Receiver r = receiver;
                if (r != null) {
                    r.onDatagram((InetSocketAddress) packet.getSocketAddress(), buf, packet.getLength());
                }
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("UDP receive failed: {}", e.toString());
                }
            } catch (RuntimeException e) {
                LOG.warn("B4AE receiver failed on a datagram", e);
            }
        }
    }

    @Override
    public String name() {
        return "udp";
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public int maxDatagramSize() {
        return MAX;
    }

    @Override
    public void setReceiver(Receiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public void send(InetSocketAddress to, byte[] data, int offset, int length) throws IOException {
        socket.send(new DatagramPacket(data, offset, length, to));
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
        workers.close();   // the receive loop ends with the socket; joined for up to 2 s
    }

    @Override
    public String toString() {
        return "UDP " + localAddress();
    }
}
