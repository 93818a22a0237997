package io.aethercore.testing.karaf;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free ports for nodes started by this JVM. A port is free for TCP and UDP on loopback and all
 * addresses when handed out, and never handed out twice by this JVM (nodes prepared one after another
 * would otherwise get the same port the kernel just released).
 */
final class FreePorts {

    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {}

    static synchronized int next() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(0));
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException("cannot find a free port: " + e.getMessage(), e);
            }
            if (GIVEN.contains(port) || !udpFree(port)) {
                continue;
            }
            GIVEN.add(port);
            return port;
        }
        throw new IllegalStateException("no free port found in 200 attempts");
    }

    private static boolean udpFree(int port) {
        try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
