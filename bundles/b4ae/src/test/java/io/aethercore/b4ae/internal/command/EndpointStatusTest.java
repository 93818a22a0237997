package io.aethercore.b4ae.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.b4ae.internal.TransportProblem;
import io.aethercore.b4ae.internal.UdpTransport;
import java.lang.reflect.Proxy;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Issue 19, item 4: aether:b4ae-sessions names why an endpoint does not listen, never "on null". */
class EndpointStatusTest {

    @Test
    void aTakenPortIsNamedWithTheAddressAndWhatToDo() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            SocketException e = assertThrows(SocketException.class, () -> new UdpTransport(UdpTransport.parse(address)));
            String line = B4aeCommands.endpointLine(channel(null), TransportProblem.of(address, e));
            assertEquals("node default: not listening: " + address + " address already in use; set listen_address in"
                    + " etc/io.aethercore.b4ae.cfg; modes [A, B]", line);
        }
    }

    @Test
    void withoutAKnownProblemItStillSaysNotListeningAndWhereToLook() {
        String line = B4aeCommands.endpointLine(channel(null), null);
        assertTrue(line.startsWith("node default: not listening: no datagram transport"), line);
        assertTrue(!line.contains("null"), line);
        assertEquals("node default on /127.0.0.1:4000, modes [A, B]",
                B4aeCommands.endpointLine(channel(new InetSocketAddress("127.0.0.1", 4000)), null));
    }

    private static SecureChannel channel(InetSocketAddress local) {
        return (SecureChannel) Proxy.newProxyInstance(getClass(EndpointStatusTest.class), new Class<?>[] {SecureChannel.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "localAddress" -> local;
                    case "nodeName" -> "default";
                    case "supportedModes" -> EnumSet.allOf(Mode.class);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static ClassLoader getClass(Class<?> c) {
        return c.getClassLoader();
    }
}
