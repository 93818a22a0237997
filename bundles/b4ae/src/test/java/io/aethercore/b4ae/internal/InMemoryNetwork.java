package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.DatagramTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory datagram network for tests: endpoints with made-up addresses; each endpoint delivers on
 * its own thread from a bounded queue (a full queue drops, as a socket buffer would). A tap sees every datagram and may drop, alter or
 * duplicate it (a man in the middle, a lossy link).
 */
public final class InMemoryNetwork {

    /** Returns the datagrams to deliver instead (empty: drop). */
    @FunctionalInterface
    public interface Tap {
        byte[][] onDatagram(InetSocketAddress from, InetSocketAddress to, byte[] data);
    }

    private final Map<InetSocketAddress, Endpoint> endpoints = new ConcurrentHashMap<>();
    private volatile Tap tap;

    public void setTap(Tap tap) {
        this.tap = tap;
    }

    public Endpoint endpoint(InetSocketAddress address) {
        Endpoint e = new Endpoint(address);
        if (endpoints.putIfAbsent(address, e) != null) {
            throw new IllegalStateException(address + " is taken");
        }
        return e;
    }

    /** Delivers a datagram as if it came from {@code from} (spoofing is allowed: this is a test network). */
    public void inject(InetSocketAddress from, InetSocketAddress to, byte[] data) {
        Endpoint e = endpoints.get(to);
        if (e != null) {
            e.enqueue(from, data.clone());
        }
    }


    public final class Endpoint implements DatagramTransport, AutoCloseable {
        private final InetSocketAddress address;
        private volatile DatagramTransport.Receiver receiver;
        private final java.util.concurrent.BlockingQueue<Object[]> queue =
                new java.util.concurrent.ArrayBlockingQueue<>(8192);
        private final io.aethercore.support.lifecycle.Workers workers =
                io.aethercore.support.lifecycle.Workers.create("b4ae", e -> { }, java.time.Duration.ofSeconds(2));
        private volatile boolean closed;

        Endpoint(InetSocketAddress address) {
            this.address = address;
            workers.thread("mem-" + address, this::run);
        }

        void enqueue(InetSocketAddress from, byte[] d) {
            queue.offer(new Object[] {from, d});
        }

        private void run() {
            while (!closed) {
                try {
                    Object[] item = queue.take();
                    DatagramTransport.Receiver r = receiver;
                    if (r != null && item.length == 2) {
                        byte[] d = (byte[]) item[1];
                        r.onDatagram((InetSocketAddress) item[0], d, d.length);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // a receiver failure must not stop the endpoint
                }
            }
        }

        @Override
        public String name() {
            return "memory";
        }

        @Override
        public InetSocketAddress localAddress() {
            return address;
        }

        @Override
        public int maxDatagramSize() {
            return 65507;
        }

        @Override
        public void setReceiver(DatagramTransport.Receiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void send(InetSocketAddress to, byte[] data, int offset, int length) throws IOException {
            byte[] copy = java.util.Arrays.copyOfRange(data, offset, offset + length);
            Tap t = tap;
            byte[][] out = t == null ? new byte[][] {copy} : t.onDatagram(address, to, copy);
            Endpoint e = endpoints.get(to);
            if (e != null) {
                for (byte[] d : out) {
                    e.enqueue(address, d);
                }
            }
        }

        @Override
        public void close() {
            endpoints.remove(address, this);
            closed = true;
            workers.close();
        }
    }
}
