package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hostile sender on a real UDP socket on loopback: it knows the target's public key (so it passes mac1), makes
 * well-formed Mode B INITs (a real X25519 and ML-KEM-1024 public key, a fresh sender index each, so each is new
 * work for the responder), takes cookies at its own address and counts every byte each way.
 */
public final class Attacker implements AutoCloseable {

    final DatagramSocket socket;
    final InetSocketAddress target;
    public final AtomicLong bytesOut = new AtomicLong();
    final AtomicLong bytesIn = new AtomicLong();
    final List<byte[]> received = new CopyOnWriteArrayList<>();
    private final Suite s = Nodes.SUITE;
    private final RawPublicKey targetStatic;
    private final byte[] mac1Key;
    private final byte[] epub;
    private final byte[] kemPub;
    private final int maxDatagram;
    private volatile byte[] cookie;
    /** False: behaves as a spoofed sender, which never sees (so never uses) its cookies. */
    volatile boolean useCookie = true;
    private volatile boolean closed;
    private final Thread reader;
    private int nextIndex = 1;

    public Attacker(InetSocketAddress target, RawPublicKey targetStatic, int maxDatagram) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        this.socket.setSoTimeout(100);
        this.socket.setReceiveBufferSize(4 << 20);
        this.target = target;
        this.targetStatic = targetStatic;
        this.mac1Key = CookieGuard.mac1Key(s, targetStatic);
        this.epub = s.dh().generateEphemeral(KeyAlgorithm.X25519).publicKey().encoded();
        this.kemPub = s.kem().generate(KeyAlgorithm.ML_KEM_1024).publicKey().encoded();
        this.maxDatagram = maxDatagram;
        this.reader = new Thread(this::read, "attacker-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void read() {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                p.setLength(buf.length);
                socket.receive(p);
                bytesIn.addAndGet(p.getLength());
                byte[] d = java.util.Arrays.copyOf(buf, p.getLength());
                if (received.size() < 100_000) {
                    received.add(d);
                }
                if (d[0] == Wire.T_COOKIE && d.length == Wire.COOKIE_LEN && lastMac1s != null) {
                    byte[] c = CookieGuard.openCookieReply(s, targetStatic, d, lastMac1s);
                    if (c != null) {
                        cookie = c;
                    }
                }
            } catch (SocketTimeoutException e) {
                // poll closed
            } catch (IOException e) {
                return;
            }
        }
    }

    private volatile byte[][] lastMac1s;

    public boolean hasCookie() {
        return cookie != null;
    }

    /** A fresh Mode B INIT body (offer A|B, prefer B) with a new sender index. */
    byte[] initBody() {
        byte[] head = new byte[8];
        head[0] = Wire.VERSION;
        head[1] = 2;
        head[2] = 3;
        head[3] = 2;
        Bytes.put32(head, 4, nextIndex++);
        return Bytes.concat(head, epub, kemPub);
    }

    /** The INIT's fragments with mac1 and (with a cookie) mac2, as a genuine initiator makes them. */
    byte[][] fragments(int type, int mode, int sender, int receiver, byte[] body, byte[] key) {
        int chunk = maxDatagram - Wire.HS_OVERHEAD;
        int count = (body.length + chunk - 1) / chunk;
        byte[][] out = new byte[count][];
        byte[][] mac1s = new byte[count][];
        byte[] c = cookie;
        for (int i = 0; i < count; i++) {
            int off = i * chunk;
            int len = Math.min(chunk, body.length - off);
            byte[] d = new byte[Wire.HS_OVERHEAD + len];
            d[0] = (byte) type;
            d[1] = (byte) mode;
            d[2] = (byte) i;
            d[3] = (byte) count;
            Bytes.put32(d, 4, sender);
            Bytes.put32(d, 8, receiver);
            Bytes.put16(d, 12, body.length);
            Bytes.put16(d, 14, off);
            System.arraycopy(body, off, d, Wire.HS_HEADER, len);
            System.arraycopy(s.mac(key, d, 0, d.length - 32), 0, d, d.length - 32, 16);
            mac1s[i] = Bytes.slice(d, d.length - 32, 16);
            if (c != null && useCookie && type == Wire.T_INIT) {
                System.arraycopy(s.mac(CookieGuard.mac2Key(s, c), d, 0, d.length - 16), 0, d, d.length - 16, 16);
            }
            out[i] = d;
        }
        if (type == Wire.T_INIT) {
            lastMac1s = mac1s;
        }
        return out;
    }

    /** Handshake fragments with mac1 (zero mac2), as {@code Datagrams.fragment} makes them. */
    static byte[][] frame(Suite s, int maxDatagram, int type, int mode, int sender, int receiver, byte[] body,
                          byte[] key) {
        int chunk = maxDatagram - Wire.HS_OVERHEAD;
        int count = (body.length + chunk - 1) / chunk;
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; i++) {
            int off = i * chunk;
            int len = Math.min(chunk, body.length - off);
            byte[] d = new byte[Wire.HS_OVERHEAD + len];
            d[0] = (byte) type;
            d[1] = (byte) mode;
            d[2] = (byte) i;
            d[3] = (byte) count;
            Bytes.put32(d, 4, sender);
            Bytes.put32(d, 8, receiver);
            Bytes.put16(d, 12, body.length);
            Bytes.put16(d, 14, off);
            System.arraycopy(body, off, d, Wire.HS_HEADER, len);
            System.arraycopy(s.mac(key, d, 0, d.length - 32), 0, d, d.length - 32, 16);
            out[i] = d;
        }
        return out;
    }

    /** Sends one fresh Mode B INIT (with the cookie when it has one). */
    public void sendInit() throws IOException {
        byte[] body = initBody();
        for (byte[] d : fragments(Wire.T_INIT, 2, Bytes.i32(body, 4), 0, body, mac1Key)) {
            send(d);
        }
    }

    void send(byte[] d) throws IOException {
        socket.send(new DatagramPacket(d, d.length, target));
        bytesOut.addAndGet(d.length);
    }

    byte[] mac1Key() {
        return mac1Key;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        socket.close();
        reader.join(2000);
    }
}
