package io.aethercore.api.b4ae;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The B4AE v2 endpoint of this node: opens sessions to pinned peers and accepts theirs.
 *
 * <p>Mode {@code null} means "negotiate" (the configured {@code preferred_mode} if the peer can do it);
 * an explicit mode offers only that mode. A handshake with a peer whose key is not pinned in the
 * {@link TrustStore} fails with reason {@code unknown-peer}.
 */
@ProviderType
public interface SecureChannel {

    /** Service property: the node name of this channel (its configured {@code name}). */
    String NODE = "aethercore.b4ae.node";

    /**
     * Service property ({@code Boolean}), on the channel and the {@link TrustStore} of the node's main
     * endpoint (PID {@code io.aethercore.b4ae}): {@code true}. Extra endpoints (factory configurations)
     * do not have it. Node-wide consumers such as the mesh target {@code (aethercore.b4ae.main=true)}.
     */
    String MAIN = "aethercore.b4ae.main";

    /**
     * Opens a session to a configured peer (its address from the configuration or the trust store).
     *
     * @throws B4aeException reason {@code timeout}, {@code unknown-peer}, {@code downgrade}, {@code mode},
     *     {@code no-address}, {@code no-transport}
     */
    Session connect(String peer, Mode mode) throws B4aeException, InterruptedException;

    /** Opens a session to a peer at an explicit address. */
    Session connect(String peer, InetSocketAddress address, Mode mode) throws B4aeException, InterruptedException;

    /** {@link #connect(String, InetSocketAddress, Mode)} without blocking. */
    CompletableFuture<Session> connectAsync(String peer, InetSocketAddress address, Mode mode);

    /**
     * Opens a Mode B session, for enrollment, to a <em>pinned</em> responder (for example the Federation
     * Authority, pinned from a genesis bundle) that does not know this node's key yet. This node's ML-DSA-87
     * public key travels inside the encrypted FINISH message, next to its fingerprint and its signature over
     * the transcript, so the responder can check the signature without a pin (docs/b4ae-protocol.md §5.2).
     * Only a responder configured to accept unpinned initiators ({@code enrollment.accept_unpinned}) completes
     * such a handshake; on that side the session reports {@link Session#peerPinned()} {@code false} and lives
     * for a bounded time. On this side the session is an ordinary one with a pinned peer.
     *
     * <p>The responder authenticates itself exactly as in {@link #connectAsync}: its keys must be pinned here.
     * A responder that refuses the FINISH makes the future fail with reason {@code unconfirmed}.
     *
     * @param peer    the pinned name of the responder
     * @param address where it listens
     * @return the session; fails with a {@link B4aeException} (reasons as {@link #connect(String, Mode)}, and
     *     {@code unsupported} for an implementation without enrollment)
     * @since 1.1
     */
    default CompletableFuture<Session> enrolAsync(String peer, InetSocketAddress address) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                "this SecureChannel implementation does not support enrollment handshakes"));
    }

    /**
     * Waits up to {@code timeout} for a session a peer opened to this node.
     *
     * @return the session, or {@code null} if none came in time
     */
    Session accept(Duration timeout) throws InterruptedException;

    /** The sessions open now, both directions. */
    List<Session> sessions();

    /** The modes this node accepts. */
    Set<Mode> supportedModes();

    /**
     * This node's long-term public key of {@code algorithm} (X25519: Mode A and the mac1/cookie keys;
     * ML-DSA-87: Mode B): what peers pin in their {@link TrustStore}. Empty if the node has none.
     */
    Optional<RawPublicKey> localKey(KeyAlgorithm algorithm);

    /** This node's name in {@code peers} entries and logs. */
    String nodeName();

    /** Address the current transport listens on, or {@code null} without a transport. */
    InetSocketAddress localAddress();
}
