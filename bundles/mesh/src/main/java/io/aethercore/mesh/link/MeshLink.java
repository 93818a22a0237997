package io.aethercore.mesh.link;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * How the mesh talks to other nodes: messages to pinned peers by name, and an enrollment channel to an
 * authority that does not know this node yet. Over B4AE on a node ({@link B4aeLink}); in memory in
 * tests. Inbound messages go to the one {@link Inbound} handler, on a mesh worker thread.
 */
public interface MeshLink extends AutoCloseable {

    /** Sends to a pinned peer, opening a session when there is none; the future fails if none can be had. */
    CompletableFuture<Void> send(String peer, byte[] message);

    /**
     * Opens an enrollment channel to the authority {@code authority} (pinned) at {@code address}: a
     * session in which this node presents a key the authority has not pinned.
     */
    CompletableFuture<Channel> enrol(String authority, InetSocketAddress address);

    void handler(Inbound inbound);

    /** Closes every session with {@code peer} (a purge); returns how many were open. */
    int disconnect(String peer);

    @Override
    void close();

    /** Receives every inbound message. */
    @FunctionalInterface
    interface Inbound {
        void received(Channel from, byte[] message);
    }

    /** The session a message came on; replies go back on it. */
    interface Channel {
        /** The pinned peer's name, or {@code unpinned-…} for an enrollment session. */
        String peer();

        /** Whether the peer's key is pinned on this node (false: an enrollment session at the authority). */
        boolean pinned();

        /** SHA-256 SPKI fingerprint of the peer's B4AE authentication key, proved by its handshake. */
        String keyFingerprint();

        CompletableFuture<Void> reply(byte[] message);

        boolean isOpen();

        void close();
    }
}
