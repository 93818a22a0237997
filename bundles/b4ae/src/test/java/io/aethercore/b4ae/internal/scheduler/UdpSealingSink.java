package io.aethercore.b4ae.internal.scheduler;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.function.IntUnaryOperator;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stand-in for the B4AE core's record layer, as seen on the wire: each record is
 * {@code nonce(12) || ChaCha20-Poly1305(type(1) || length(4) || payload || zero padding)}, padded to the size
 * the padding function gives, sent as one UDP datagram. Dummies have type 0, real records type 1.
 */
final class UdpSealingSink implements SlotSink {

    static final int INNER_HEADER = 5;

    private final DatagramSocket socket;
    private final InetSocketAddress to;
    private final SecretKeySpec key;
    private final IntUnaryOperator padding;
    private final Cipher cipher;
    private long counter;

    UdpSealingSink(InetSocketAddress to, byte[] key, IntUnaryOperator padding) throws SocketException, GeneralSecurityException {
        this.socket = new DatagramSocket();
        this.to = to;
        this.key = new SecretKeySpec(key, "ChaCha20");
        this.padding = padding;
        this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
    }

    static byte[] newKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /** The padded plaintext size of a real message of {@code payloadLength} bytes. */
    static IntUnaryOperator paddedSizeOfPayload(IntUnaryOperator padding) {
        return len -> padding.applyAsInt(len + INNER_HEADER);
    }

    @Override
    public void emit(OutboundMessage message) {
        byte[] p = message.payload();
        int padded = padding.applyAsInt(p.length + INNER_HEADER);
        ByteBuffer plain = ByteBuffer.allocate(padded);
        plain.put((byte) 1).putInt(p.length).put(p);
        send(plain.array());
    }

    @Override
    public boolean emitDummy(int paddedSize) {
        byte[] plain = new byte[paddedSize];
        send(plain);
        return true;
    }

    private void send(byte[] plain) {
        try {
            byte[] nonce = ByteBuffer.allocate(12).putLong(4, ++counter).array();
            cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
            byte[] out = new byte[12 + plain.length + 16];
            System.arraycopy(nonce, 0, out, 0, 12);
            cipher.doFinal(plain, 0, plain.length, out, 12);
            socket.send(new DatagramPacket(out, out.length, to));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the test's receiver (holding the key) learns: {type, payload}; an observer sees only the length. */
    static byte[] open(byte[] key, byte[] datagram, int length) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(datagram, 0, 12));
        return c.doFinal(datagram, 12, length - 12);
    }

    void close() {
        socket.close();
    }
}
