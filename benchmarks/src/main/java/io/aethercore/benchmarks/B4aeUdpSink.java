package io.aethercore.benchmarks;

import io.aethercore.b4ae.internal.scheduler.OutboundMessage;
import io.aethercore.b4ae.internal.scheduler.SlotSink;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.function.IntUnaryOperator;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the B4AE core does at a slot, as far as cost goes: pad the record (type, length, payload, zeros) to
 * the PADME size, seal it with ChaCha20-Poly1305 (the JDK's), send one UDP datagram. Real records carry the
 * submission time in their first 8 payload bytes so the receiver can measure submission-to-arrival.
 */
final class B4aeUdpSink implements SlotSink {

    static final int INNER_HEADER = 5;

    private final DatagramSocket socket;
    private final InetSocketAddress to;
    private final SecretKeySpec key;
    private final IntUnaryOperator padding;
    private final Cipher cipher;
    private long counter;

    B4aeUdpSink(InetSocketAddress to, byte[] key, IntUnaryOperator padding) throws Exception {
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

    @Override
    public void emit(OutboundMessage message) {
        byte[] p = message.payload();
        ByteBuffer plain = ByteBuffer.allocate(padding.applyAsInt(p.length + INNER_HEADER));
        plain.put((byte) 1).putInt(p.length).put(p);
        send(plain.array());
    }

    @Override
    public boolean emitDummy(int paddedSize) {
        send(new byte[paddedSize]);
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

    void close() {
        socket.close();
    }
}
