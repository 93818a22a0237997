package io.aethercore.shell.internal.ops;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A minimal SNTP client (RFC 4330): one mode-3 request, one reply, the clock offset
 * {@code ((T2 - T1) + (T3 - T4)) / 2} and the round-trip delay {@code (T4 - T1) - (T3 - T2)}.
 *
 * <p>The reply is hostile input: it must come from the address asked, be 48 bytes or more, be mode 4
 * (server), version 3 or 4, stratum 1 to 15 (0 is a kiss-o'-death, RFC 4330 section 8), leap indicator not 3
 * (unsynchronised), echo our transmit timestamp as its originate timestamp (which is random, so a forged
 * reply must have seen the request), and carry non-zero receive and transmit timestamps. Anything else is
 * an {@link SntpException} saying what.
 */
public final class Sntp {

    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
    static final long NTP_UNIX_OFFSET = 2_208_988_800L;
    public static final int DEFAULT_PORT = 123;

    /** One answer. Offset: how far the server's clock is ahead of ours (negative: ours is ahead). */
    public record Result(String server, Duration offset, Duration delay, int stratum) {
        public String describe() {
            return String.format(Locale.ROOT, "%s: offset %+.3f s, delay %.1f ms, stratum %d", server,
                    offset.toNanos() / 1e9, delay.toNanos() / 1e6, stratum);
        }
    }

    public static final class SntpException extends IOException {
        private static final long serialVersionUID = 1L;

        public SntpException(String message) {
            super(message);
        }
    }

    /** A server as host or host:port ([v6]:port for IPv6). */
    public record Server(String host, int port) {
        public static Server parse(String text) {
            String t = text.trim();
            if (t.isEmpty()) {
                throw new IllegalArgumentException("empty NTP server name");
            }
            String host = t;
            int port = DEFAULT_PORT;
            if (t.startsWith("[")) {
                int close = t.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("NTP server '" + t + "': missing ']'");
                }
                host = t.substring(1, close);
                if (close + 1 < t.length()) {
                    if (t.charAt(close + 1) != ':') {
                        throw new IllegalArgumentException("NTP server '" + t + "': expected :port after ']'");
                    }
                    port = port(t, t.substring(close + 2));
                }
            } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
                host = t.substring(0, t.indexOf(':'));
                port = port(t, t.substring(t.indexOf(':') + 1));
            }
            if (host.isEmpty() || !host.matches("[A-Za-z0-9.:%_-]+")) {
                throw new IllegalArgumentException("NTP server '" + t + "': not a host name or address");
            }
            return new Server(host, port);
        }

        private static int port(String t, String p) {
            try {
                int n = Integer.parseInt(p);
                if (n > 0 && n < 65536) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new IllegalArgumentException("NTP server '" + t + "': port must be 1 to 65535");
        }

        /** Parses a comma-separated list; empty text is an empty list. */
        public static List<Server> parseList(String text) {
            List<Server> out = new ArrayList<>();
            if (text == null) {
                return out;
            }
            for (String s : text.split(",")) {
                if (!s.isBlank()) {
                    out.add(parse(s));
                }
            }
            return out;
        }

        @Override
        public String toString() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return port == DEFAULT_PORT ? h : h + ":" + port;
        }
    }

    private final Duration timeout;
    /** Wall clock in nanoseconds since the Unix epoch: what is compared with the server. */
    private final LongSupplier wallNanos;
    private final SecureRandom random = new SecureRandom();

    public Sntp(Duration timeout) {
        this(timeout, Sntp::systemWallNanos);
    }

    Sntp(Duration timeout, LongSupplier wallNanos) {
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > 60_000) {
            throw new IllegalArgumentException("SNTP timeout must be 1 ms to 60 s");
        }
        this.timeout = timeout;
        this.wallNanos = wallNanos;
    }

    static long systemWallNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Asks {@code server} once. */
    public Result query(Server server) throws IOException {
        InetAddress address = InetAddress.getByName(server.host());
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            socket.connect(new InetSocketAddress(address, server.port()));
            byte[] request = new byte[48];
            request[0] = 0x23; // LI 0, version 4, mode 3 (client)
            // transmit timestamp: random (RFC 4330 section 5 allows it; it makes blind forgery hard); the real
            // send time T1 is kept here
            byte[] nonce = new byte[8];
            random.nextBytes(nonce);
            System.arraycopy(nonce, 0, request, 40, 8);
            long t1 = wallNanos.getAsLong();
            socket.send(new DatagramPacket(request, request.length));
            byte[] buf = new byte[512];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                try {
                    socket.receive(reply);
                } catch (SocketTimeoutException e) {
                    throw new SntpException("no answer from " + server + " within " + timeout.toMillis() + " ms");
                }
                long t4 = wallNanos.getAsLong();
                if (!reply.getAddress().equals(address) || reply.getPort() != server.port()) {
                    if (System.nanoTime() > deadline) {
                        throw new SntpException("no answer from " + server + " within " + timeout.toMillis() + " ms");
                    }
                    continue; // not from the server (a connected socket filters these anyway)
                }
                return parse(server.toString(), buf, reply.getLength(), nonce, t1, t4);
            }
        } catch (java.net.PortUnreachableException e) {
            throw new SntpException(server + " refused the query (ICMP port unreachable): no NTP server there");
        }
    }

    /** Checks and reads a reply (see the class comment); package-private for the tests. */
    static Result parse(String server, byte[] b, int length, byte[] nonce, long t1, long t4) throws SntpException {
        if (length < 48) {
            throw new SntpException(server + ": reply of " + length + " bytes, an NTP packet has at least 48");
        }
        int li = (b[0] >> 6) & 3;
        int version = (b[0] >> 3) & 7;
        int mode = b[0] & 7;
        int stratum = b[1] & 0xFF;
        if (mode != 4) {
            throw new SntpException(server + ": reply mode " + mode + ", expected 4 (server)");
        }
        if (version < 3 || version > 4) {
            throw new SntpException(server + ": NTP version " + version + " in the reply, expected 3 or 4");
        }
        if (stratum == 0) {
            String code = new String(b, 12, 4, java.nio.charset.StandardCharsets.US_ASCII).replaceAll("[^A-Z]", "?");
            throw new SntpException(server + ": kiss-o'-death " + code + " (the server asks us to stop or go elsewhere)");
        }
        if (stratum > 15) {
            throw new SntpException(server + ": stratum " + stratum + ", the server is not synchronised");
        }
        if (li == 3) {
            throw new SntpException(server + ": leap indicator 3, the server's clock is not synchronised");
        }
        for (int i = 0; i < 8; i++) {
            if (b[24 + i] != nonce[i]) {
                throw new SntpException(server + ": the reply does not answer our request (originate timestamp differs)");
            }
        }
        long t2 = ntpToUnixNanos(b, 32);
        long t3 = ntpToUnixNanos(b, 40);
        if (t2 == Long.MIN_VALUE || t3 == Long.MIN_VALUE) {
            throw new SntpException(server + ": zero receive or transmit timestamp in the reply");
        }
        long offset = ((t2 - t1) + (t3 - t4)) / 2;
        long delay = Math.max(0, (t4 - t1) - (t3 - t2));
        return new Result(server, Duration.ofNanos(offset), Duration.ofNanos(delay), stratum);
    }

    /** An NTP timestamp (era 0, or era 1 for seconds below 2^31: RFC 4330 section 3) in Unix nanoseconds. */
    static long ntpToUnixNanos(byte[] b, int off) {
        long seconds = readUnsigned32(b, off);
        long fraction = readUnsigned32(b, off + 4);
        if (seconds == 0 && fraction == 0) {
            return Long.MIN_VALUE;
        }
        if ((seconds & 0x8000_0000L) == 0) {
            seconds += 1L << 32; // era 1: after 2036-02-07
        }
        return (seconds - NTP_UNIX_OFFSET) * 1_000_000_000L + (fraction * 1_000_000_000L >>> 32);
    }

    /** Writes Unix nanoseconds as an NTP timestamp at {@code off}. */
    public static void unixNanosToNtp(long unixNanos, byte[] b, int off) {
        long seconds = Math.floorDiv(unixNanos, 1_000_000_000L) + NTP_UNIX_OFFSET;
        long nanos = Math.floorMod(unixNanos, 1_000_000_000L);
        long fraction = (nanos << 32) / 1_000_000_000L;
        writeUnsigned32(b, off, seconds & 0xFFFF_FFFFL);
        writeUnsigned32(b, off + 4, fraction);
    }

    static long readUnsigned32(byte[] b, int off) {
        return ((b[off] & 0xFFL) << 24) | ((b[off + 1] & 0xFFL) << 16) | ((b[off + 2] & 0xFFL) << 8) | (b[off + 3] & 0xFFL);
    }

    static void writeUnsigned32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
