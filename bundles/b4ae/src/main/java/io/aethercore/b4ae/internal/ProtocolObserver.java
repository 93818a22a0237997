package io.aethercore.b4ae.internal;

/**
 * What the protocol engine reports as it runs: the seam between the B4AE core (handshakes, cookies,
 * sessions, records) and what watches it (Prometheus metrics, audit). Every method has a no-op default so
 * an observer implements only what it counts. Called on protocol threads: implementations must be cheap,
 * thread-safe and must never throw or block.
 *
 * <p>{@code mode} is {@code "A"} or {@code "B"}; {@code reason} is a short stable token (for example
 * {@code "mac1"}, {@code "replay"}, {@code "unknown-peer"}, {@code "signature"}, {@code "timeout"}) usable
 * as a metric label, never free text from the network.
 */
public interface ProtocolObserver {

    ProtocolObserver NONE = new ProtocolObserver() { };

    default void handshakeStarted(String mode, boolean initiator) { }

    default void handshakeCompleted(String mode, boolean initiator, long durationNanos) { }

    default void handshakeFailed(String mode, boolean initiator, String reason) { }

    /**
     * The engine calls this form: the outcome with the peer, its pinned name when known, else its address.
     * By default it forwards to the form without the peer, so observers that only count need not care.
     */
    default void handshakeCompleted(String mode, boolean initiator, long durationNanos, String peer) {
        handshakeCompleted(mode, initiator, durationNanos);
    }

    /** As {@link #handshakeCompleted(String, boolean, long, String)}, for failures. */
    default void handshakeFailed(String mode, boolean initiator, String reason, String peer) {
        handshakeFailed(mode, initiator, reason);
    }

    /**
     * The responder refused a handshake before the initiator authenticated (an INIT that fails, a FINISH that
     * does not verify, a Mode B handshake that times out before FINISH): a pre-authentication event, which
     * anyone who knows this node's public key can cause. {@code from} is the source address. By default it is
     * reported as a failure, so that observers that only count keep counting it; the audit log counts it in
     * its periodic summary ({@code handshake_refused.<mode>.<reason>}) and never records it one by one.
     */
    default void handshakeRefused(String mode, String reason, String from) {
        handshakeFailed(mode, false, reason, from);
    }

    /** The responder answered a first message with a cookie reply instead of doing public-key work. */
    default void cookieChallengeSent() { }

    /** A message carried a mac2 that did not match the current or previous cookie secret. */
    default void invalidCookie() { }

    /** A datagram was dropped before any public-key work (bad mac1, replayed first message, limits). */
    default void dosAttemptBlocked(String reason) { }

    /**
     * A Mode B FINISH came from an initiator whose key is not pinned, with its key included (enrollment,
     * docs/b4ae-protocol.md §5.2): {@code accepted} with reason {@code "accepted"} (a session flagged unpinned
     * opened; {@link #handshakeCompleted} follows), or refused with the reason ({@code unknown-peer} when this
     * node does not accept unpinned initiators, {@code enrollment-full}, {@code key-mismatch},
     * {@code signature}, ...). A refusal is a pre-authentication event: it is reported here only, not as
     * {@link #handshakeFailed}, so that it is counted and never recorded one by one.
     */
    default void unpinnedHandshake(boolean accepted, String reason) { }

    default void sessionOpened(String mode) { }

    default void sessionClosed(String mode) { }

    /** One encrypted record left the node; {@code dummy} records are cover traffic. */
    default void recordSent(int wireBytes, boolean dummy) { }

    /** One record was authenticated and decrypted; dummies are then dropped silently. */
    default void recordReceived(int wireBytes, boolean dummy) { }

    /** A datagram was rejected after parsing began (bad tag, replay window, unknown session, limits). */
    default void datagramDropped(String reason) { }
}
