package io.aethercore.api.b4ae;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A datagram transport for B4AE, registered as a whiteboard service. The B4AE channel uses the
 * highest-ranked transport (or the one named in its {@code transport} configuration) and moves to another
 * when that one appears or goes, without losing sessions. Addresses are socket addresses; an in-memory
 * transport uses made-up ones.
 *
 * <p>Register with the service property {@value #NAME}. A transport delivers datagrams to at most one
 * receiver at a time.
 */
@ConsumerType
public interface DatagramTransport {

    /** Service property: the transport's name ({@code udp}, {@code memory}, ...). */
    String NAME = "aethercore.b4ae.transport";

    /** Receives datagrams; called on the transport's thread, must not block for long. */
    @FunctionalInterface
    interface Receiver {
        /** {@code data} belongs to the receiver until it returns; copy what must be kept. */
        void onDatagram(InetSocketAddress from, byte[] data, int length);
    }

    String name();

    /** The address peers send to. */
    InetSocketAddress localAddress();

    /** Largest datagram this transport carries. */
    int maxDatagramSize();

    /** Sets (or with {@code null} removes) the receiver of incoming datagrams. */
    void setReceiver(Receiver receiver);

    /** Sends one datagram. Best effort, like UDP. */
    void send(InetSocketAddress to, byte[] data, int offset, int length) throws IOException;
}
