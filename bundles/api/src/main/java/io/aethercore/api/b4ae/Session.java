package io.aethercore.api.b4ae;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An authenticated, encrypted session with one peer. Messages are datagrams: each {@link #send} is
 * delivered at most once, in any order, or not at all (as UDP); the B4AE records carrying them are
 * authenticated, replay-protected and encrypted. Thread-safe.
 */
@ProviderType
public interface Session extends AutoCloseable {

    /** Longest message {@link #send} accepts, in bytes. */
    int MAX_MESSAGE = 65000;

    SessionInfo info();

    /**
     * Whether the peer's key was pinned in this node's {@link TrustStore} when the session was set up.
     * {@code false} only on a responder configured with {@code enrollment.accept_unpinned}, for a session an
     * unknown node opened with {@link SecureChannel#enrolAsync}: then {@code info().peer()} is
     * {@code unpinned-} followed by the first 16 hex digits of the key's fingerprint, and
     * {@code info().peerKeyFingerprint()} is the full SHA-256 SubjectPublicKeyInfo fingerprint of the
     * initiator's ML-DSA-87 key, which the initiator proved to hold by its handshake signature. Such a session
     * only proves possession of that key, not who holds it; it is closed after {@code enrollment.session_seconds}.
     *
     * @since 1.1
     */
    default boolean peerPinned() {
        return true;
    }

    /**
     * Sends one message (sealed now, or at the next send slot when a traffic scheduler is installed).
     *
     * @throws B4aeException if the session is closed or the message is longer than {@link #MAX_MESSAGE}
     */
    void send(byte[] message) throws B4aeException;

    /** {@link #send} without blocking the caller; the future fails with the {@link B4aeException}. */
    CompletableFuture<Void> sendAsync(byte[] message);

    /**
     * Waits up to {@code timeout} for the next message.
     *
     * @return the message, or {@code null} if none came in time
     * @throws B4aeException if the session is closed and nothing is left to read
     */
    byte[] receive(Duration timeout) throws B4aeException, InterruptedException;

    /** The next message, when it arrives; the future fails with a {@link B4aeException} on close. */
    CompletableFuture<byte[]> receiveAsync();

    /** Sends an authenticated close notice and wipes the keys. Idempotent. */
    @Override
    void close();

    boolean isOpen();
}
