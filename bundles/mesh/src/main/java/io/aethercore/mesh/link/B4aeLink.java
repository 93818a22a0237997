package io.aethercore.mesh.link;

import io.aethercore.api.b4ae.B4aeException;
import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.api.b4ae.Session;
import io.aethercore.api.b4ae.TrustStore;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MeshLink} over B4AE sessions. One thread accepts the sessions peers open; every session, in
 * either direction, is read with {@code receiveAsync} and its messages handed to the mesh executor (never
 * handled on a B4AE thread). Outbound, one session per peer is kept and reused; a closed one is replaced
 * on the next send.
 */
public final class B4aeLink implements MeshLink {

    private static final Logger LOG = LoggerFactory.getLogger(B4aeLink.class);

    private final SecureChannel channel;
    private final TrustStore trust;
    private final Executor executor;
    private final Map<String, CompletableFuture<Session>> outbound = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile Inbound inbound = (from, m) -> { };
    private volatile boolean closed;

    /**
     * @param threadFactory makes the accept thread (the caller's Workers, so it is named and joined)
     */
    public B4aeLink(SecureChannel channel, TrustStore trust, Executor executor,
            java.util.function.Function<Runnable, Thread> threadFactory) {
        this.channel = channel;
        this.trust = trust;
        this.executor = executor;
        this.acceptor = threadFactory.apply(this::acceptLoop);
    }

    @Override
    public void handler(Inbound handler) {
        this.inbound = handler;
    }

    private void acceptLoop() {
        while (!closed && !Thread.currentThread().isInterrupted()) {
            try {
                Session s = channel.accept(Duration.ofMillis(500));
                if (s != null) {
                    read(new SessionChannel(s));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("mesh: accepting a B4AE session failed: {}", e.toString());
            }
        }
    }

    private void read(SessionChannel c) {
        if (closed || !c.session.isOpen()) {
            return;
        }
        c.session.receiveAsync().whenComplete((message, error) -> {
            if (error != null || message == null) {
                return; // closed: nothing more comes on this session
            }
            try {
                executor.execute(() -> {
                    try {
                        inbound.received(c, message);
                    } catch (RuntimeException e) {
                        LOG.warn("mesh: handling a message from {} failed", c.peer(), e);
                    }
                });
            } catch (RejectedExecutionException e) {
                LOG.debug("mesh: busy, dropped a message from {}", c.peer());
            }
            read(c);
        });
    }

    @Override
    public CompletableFuture<Void> send(String peer, byte[] message) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("mesh link closed"));
        }
        return session(peer).thenCompose(s -> s.sendAsync(message));
    }

    private CompletableFuture<Session> session(String peer) {
        for (Session s : channel.sessions()) {
            if (s.isOpen() && s.peerPinned() && s.info().peer().equals(peer)) {
                return CompletableFuture.completedFuture(s);
            }
        }
        return outbound.compute(peer, (p, existing) -> {
            if (existing != null && (!existing.isDone() || (!existing.isCompletedExceptionally() && existing.join().isOpen()))) {
                return existing;
            }
            Optional<InetSocketAddress> address = trust.address(p);
            if (address.isEmpty()) {
                return CompletableFuture.failedFuture(new B4aeException("no-address", "no address known for " + p));
            }
            CompletableFuture<Session> f = channel.connectAsync(p, address.get(), null);
            f.thenAccept(s -> read(new SessionChannel(s)));
            return f;
        });
    }

    @Override
    public CompletableFuture<Channel> enrol(String authority, InetSocketAddress address) {
        InetSocketAddress resolved = address.isUnresolved()
                ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
        if (resolved.isUnresolved()) {
            return CompletableFuture.failedFuture(new B4aeException("no-address",
                    "cannot resolve the authority's host " + address.getHostString()));
        }
        return channel.enrolAsync(authority, resolved).thenApply(s -> {
            SessionChannel c = new SessionChannel(s);
            read(c);
            return c;
        });
    }

    @Override
    public int disconnect(String peer) {
        int n = 0;
        for (Session s : channel.sessions()) {
            if (s.info().peer().equals(peer) && s.isOpen()) {
                s.close();
                n++;
            }
        }
        CompletableFuture<Session> pending = outbound.remove(peer);
        if (pending != null) {
            pending.thenAccept(Session::close);
        }
        return n;
    }

    @Override
    public void close() {
        closed = true;
        acceptor.interrupt();
        outbound.values().forEach(f -> f.thenAccept(Session::close));
        outbound.clear();
    }

    private static final class SessionChannel implements Channel {
        final Session session;

        SessionChannel(Session session) {
            this.session = session;
        }

        @Override
        public String peer() {
            return session.info().peer();
        }

        @Override
        public boolean pinned() {
            return session.peerPinned();
        }

        @Override
        public String keyFingerprint() {
            return session.info().peerKeyFingerprint();
        }

        @Override
        public CompletableFuture<Void> reply(byte[] message) {
            return session.sendAsync(message);
        }

        @Override
        public boolean isOpen() {
            return session.isOpen();
        }

        @Override
        public void close() {
            session.close();
        }
    }
}
