package io.aethercore.testing.karaf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small program {@link LossyNetworkTest} runs inside network namespaces ({@code ip netns exec ns java ...}).
 *
 * <ul>
 *   <li>{@code serve PORT}: counts the UDP datagrams arriving on PORT (each carries a round and a sequence
 *       number) and answers {@code count ROUND} on TCP PORT with the number of distinct datagrams of that
 *       round, {@code ping} with {@code pong}.</li>
 *   <li>{@code client}: reads commands on standard input, {@code send HOST PORT ROUND N}: sends N datagrams
 *       of round ROUND to HOST:PORT, waits a moment, asks the server over TCP how many arrived and prints
 *       {@code delivered K} (or {@code error ...} when TCP fails).</li>
 * </ul>
 */
public final class UdpProbe {

    private UdpProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("serve")) {
            serve(Integer.parseInt(args[1]));
        } else if (args.length == 1 && args[0].equals("client")) {
            client();
        } else {
            System.err.println("usage: UdpProbe serve PORT | UdpProbe client");
            System.exit(2);
        }
    }

    private static void serve(int port) throws IOException {
        Map<Integer, BitSet> rounds = new ConcurrentHashMap<>();
        DatagramSocket udp = new DatagramSocket(new InetSocketAddress("0.0.0.0", port));
        udp.setReceiveBufferSize(1 << 20);
        Thread receiver = new Thread(() -> {
            byte[] buf = new byte[64];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (true) {
                try {
                    udp.receive(p);
                    if (p.getLength() == 8) {
                        ByteBuffer b = ByteBuffer.wrap(buf, 0, 8);
                        int round = b.getInt(), seq = b.getInt();
                        BitSet s = rounds.computeIfAbsent(round, r -> new BitSet());
                        synchronized (s) {
                            s.set(seq);
                        }
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "udp");
        receiver.setDaemon(true);
        receiver.start();
        try (ServerSocket tcp = new ServerSocket()) {
            tcp.setReuseAddress(true);
            tcp.bind(new InetSocketAddress("0.0.0.0", port));
            System.out.println("serving " + port);
            System.out.flush();
            while (true) {
                try (Socket c = tcp.accept();
                        BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
                        PrintWriter out = new PrintWriter(c.getOutputStream(), true, StandardCharsets.UTF_8)) {
                    String line = in.readLine();
                    if (line == null) {
                        continue;
                    }
                    if (line.startsWith("count ")) {
                        BitSet s = rounds.getOrDefault(Integer.parseInt(line.substring(6).trim()), new BitSet());
                        synchronized (s) {
                            out.println(s.cardinality());
                        }
                    } else {
                        out.println("pong");
                    }
                }
            }
        }
    }

    private static void client() throws Exception {
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (DatagramSocket udp = new DatagramSocket()) {
            String line;
            while ((line = commands.readLine()) != null) {
                String[] w = line.trim().split("\\s+");
                if (w.length != 5 || !w[0].equals("send")) {
                    System.out.println("error unknown command: " + line);
                    continue;
                }
                InetSocketAddress to = new InetSocketAddress(w[1], Integer.parseInt(w[2]));
                int round = Integer.parseInt(w[3]), n = Integer.parseInt(w[4]);
                byte[] buf = new byte[8];
                for (int seq = 0; seq < n; seq++) {
                    ByteBuffer.wrap(buf).putInt(round).putInt(seq);
                    udp.send(new DatagramPacket(buf, 8, to));
                    if (seq % 20 == 19) {
                        Thread.sleep(1); // pace, so that the receiver's socket buffer never overflows
                    }
                }
                Thread.sleep(200);
                try (Socket c = new Socket()) {
                    c.connect(to, 5000);
                    c.setSoTimeout(5000);
                    c.getOutputStream().write(("count " + round + "\n").getBytes(StandardCharsets.UTF_8));
                    String answer = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8)).readLine();
                    System.out.println("delivered " + answer);
                } catch (IOException e) {
                    System.out.println("error tcp " + e);
                }
                System.out.flush();
            }
        }
    }
}
