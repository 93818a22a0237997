package io.aethercore.tpm.internal;

import static org.junit.jupiter.api.Assertions.*;

import io.aethercore.api.attestation.AttestationException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The simulator transport against a hostile or broken peer: absurd lengths, a connection closed in the
 * middle of a response, no answer at all. Each ends in a clear transport error within the timeout,
 * never a hang or an allocation of the announced size; the session reports the TPM as unavailable.
 */
class SimulatorDeviceTest {

    private static String failWith(BiConsumer<DataInputStream, DataOutputStream> peer, int timeoutMillis) throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    peer.accept(new DataInputStream(s.getInputStream()), new DataOutputStream(s.getOutputStream()));
                } catch (Exception ignored) {
                    // the peer's end of the test
                }
            });
            t.setDaemon(true);
            t.start();
            SimulatorDevice d = new SimulatorDevice("127.0.0.1", server.getLocalPort(), timeoutMillis);
            d.open();
            try {
                TpmTransportException e = assertThrows(TpmTransportException.class,
                        () -> d.dispatchCommand(new byte[] {(byte) 0x80, 1, 0, 0, 0, 12, 0, 0, 1, 0x7B, 0, 8}));
                return e.getMessage();
            } finally {
                d.close();
            }
        }
    }

    private static void readCommand(DataInputStream in) {
        try {
            in.readInt();
            in.readByte();
            in.readFully(new byte[in.readInt()]);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void absurdResponseLengthIsRefused() throws Exception {
        String m = failWith((in, out) -> {
            readCommand(in);
            try {
                out.writeInt(Integer.MAX_VALUE);
                out.flush();
                Thread.sleep(2000);
            } catch (Exception ignored) {
                // closed by the client
            }
        }, 5000);
        assertTrue(m.contains("announced a response of 2147483647 bytes"), m);
    }

    @Test
    void connectionClosedMidResponse() throws Exception {
        String m = failWith((in, out) -> {
            readCommand(in);
            try {
                out.writeInt(20);
                out.write(new byte[5]);
                out.flush();
            } catch (Exception ignored) {
                // gone
            }
        }, 5000);
        assertTrue(m.contains("closed the connection"), m);
    }

    @Test
    void silentPeerTimesOut() throws Exception {
        long t0 = System.nanoTime();
        String m = failWith((in, out) -> {
            readCommand(in);
            try {
                Thread.sleep(5000);
            } catch (InterruptedException ignored) {
                // done
            }
        }, 300);
        assertTrue(m.toLowerCase().contains("timed out"), m);
        assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "gave up within the timeout");
    }

    @Test
    void sessionReportsNothingListeningAsNotDetected() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (TpmSession session = new TpmSession(List.of(TpmEndpoint.simulator("127.0.0.1", port)), 1000, 1)) {
            AttestationException e = assertThrows(AttestationException.class, session::info);
            assertEquals(AttestationException.Failure.NOT_DETECTED, e.failure());
            assertTrue(e.getMessage().contains("no TPM simulator at 127.0.0.1:" + port), e.getMessage());
        }
    }

    @Test
    void endpointsParse() {
        assertEquals(List.of(TpmEndpoint.device(TpmEndpoint.DEFAULT_DEVICE)), TpmEndpoint.parse("auto", ""));
        assertEquals(List.of(TpmEndpoint.device(TpmEndpoint.DEFAULT_DEVICE), TpmEndpoint.simulator("127.0.0.1", 2321)),
                TpmEndpoint.parse("auto", "127.0.0.1:2321"));
        assertEquals(List.of(TpmEndpoint.simulator("localhost", 2400)), TpmEndpoint.parse("swtpm:host=localhost,port=2400", ""));
        assertEquals(List.of(), TpmEndpoint.parse("none", "127.0.0.1:1"));
        assertEquals(List.of(TpmEndpoint.device(java.nio.file.Path.of("/dev/tpm0"))), TpmEndpoint.parse("/dev/tpm0", ""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TpmEndpoint.parse("tpm-please", ""));
        assertTrue(e.getMessage().contains("use auto, none, a device path"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TpmEndpoint.parse("host:99999", ""));
    }
}
