package io.aethercore.mesh.link;

import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.mesh.link.MeshLink.Channel;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory network of {@link MeshLink}s with B4AE's rules: a session between two nodes needs each
 * to have pinned the other's ML-DSA-87 key in its trust store; an enrollment session needs the
 * initiator to have pinned the authority, and the authority to accept unpinned initiators. Messages may
 * be dropped at a configured rate (each direction independently), as UDP would.
 */
public final class MemoryNet {

    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    private final Random random = new Random(7);
    private volatile double loss;
    final AtomicLong delivered = new AtomicLong(), dropped = new AtomicLong();

    public void loss(double rate) {
        this.loss = rate;
    }

    public long delivered() {
        return delivered.get();
    }

    /** Adds a node: its name, its B4AE identity key and its trust store. */
    public MeshLink join(String name, RawPublicKey identity, TrustStore trust, Executor executor, boolean acceptUnpinned) {
        Node n = new Node(name, identity, trust, executor, acceptUnpinned);
        nodes.put(identity.fingerprint(), n);
        return n;
    }

    /** Takes a node off the network (by its identity key: two nodes may claim one name). */
    public void leave(RawPublicKey identity) {
        Node n = nodes.remove(identity.fingerprint());
        if (n != null) {
            n.closed = true;
        }
    }

    private boolean lost() {
        double l = loss;
        if (l <= 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < l;
        }
    }

    private void deliver(Node to, Channel from, byte[] message) {
        if (to.closed || lost()) {
            dropped.incrementAndGet();
            return;
        }
        delivered.incrementAndGet();
        byte[] copy = message.clone();
        to.executor.execute(() -> to.inbound.received(from, copy));
    }

    /** The target node by the address a trust store holds (the node name is the address's host in tests). */
    private Node byKey(RawPublicKey key) {
        for (Node n : nodes.values()) {
            if (n.identity.equals(key)) {
                return n;
            }
        }
        return null;
    }

    final class Node implements MeshLink {
        final String name;
        final RawPublicKey identity;
        final TrustStore trust;
        final Executor executor;
        final boolean acceptUnpinned;
        volatile Inbound inbound = (c, m) -> { };
        volatile boolean closed;

        Node(String name, RawPublicKey identity, TrustStore trust, Executor executor, boolean acceptUnpinned) {
            this.name = name;
            this.identity = identity;
            this.trust = trust;
            this.executor = executor;
            this.acceptUnpinned = acceptUnpinned;
        }

        @Override
        public CompletableFuture<Void> send(String peer, byte[] message) {
            Optional<RawPublicKey> key = trust.current(peer, KeyAlgorithm.ML_DSA_87, Instant.now());
            Node to = key.map(MemoryNet.this::byKey).orElse(null);
            if (closed || to == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("unknown-peer " + peer));
            }
            Optional<String> asSeen = to.trust.peerFor(identity, Instant.now());
            if (asSeen.isEmpty()) {
                return CompletableFuture.failedFuture(new IllegalStateException("handshake refused by " + peer));
            }
            deliver(to, new Chan(to, this, asSeen.get(), true), message);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Channel> enrol(String authority, InetSocketAddress address) {
            Optional<RawPublicKey> key = trust.current(authority, KeyAlgorithm.ML_DSA_87, Instant.now());
            Node to = key.map(MemoryNet.this::byKey).orElse(null);
            if (to == null || !to.acceptUnpinned) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "no enrollment session: the authority is unknown or does not prove the pinned identity"));
            }
            Optional<String> asSeen = to.trust.peerFor(identity, Instant.now());
            String seenAs = asSeen.orElse("unpinned-" + identity.fingerprint().substring(0, 16));
            Chan atAuthority = new Chan(to, this, seenAs, asSeen.isPresent());
            return CompletableFuture.completedFuture(new Chan(this, to, authority, true, atAuthority));
        }

        @Override
        public void handler(Inbound handler) {
            this.inbound = handler;
        }

        /** Sessions are per message here: this counts the peer as one session if it is still pinned. */
        @Override
        public int disconnect(String peer) {
            return trust.current(peer, KeyAlgorithm.ML_DSA_87, Instant.now()).isPresent() ? 1 : 0;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A session as seen from {@code local}: messages from {@code remote}; replies go back to it. */
    private final class Chan implements Channel {
        final Node local, remote;
        final String peer;
        final boolean pinned;
        final Chan mirror;
        volatile boolean open = true;

        Chan(Node local, Node remote, String peer, boolean pinned) {
            this(local, remote, peer, pinned, null);
        }

        Chan(Node local, Node remote, String peer, boolean pinned, Chan mirror) {
            this.local = local;
            this.remote = remote;
            this.peer = peer;
            this.pinned = pinned;
            this.mirror = mirror;
        }

        @Override
        public String peer() {
            return peer;
        }

        @Override
        public boolean pinned() {
            return pinned;
        }

        @Override
        public String keyFingerprint() {
            return remote.identity.fingerprint();
        }

        @Override
        public CompletableFuture<Void> reply(byte[] message) {
            // the remote side sees this node as it pinned it, or as the mirror channel says (enrollment)
            Chan back = mirror != null ? mirror
                    : new Chan(remote, local, remote.trust.peerFor(local.identity, Instant.now())
                            .orElse("unpinned-" + local.identity.fingerprint().substring(0, 16)),
                            remote.trust.peerFor(local.identity, Instant.now()).isPresent(), this);
            deliver(remote, back, message);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isOpen() {
            return open && !local.closed && !remote.closed;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
