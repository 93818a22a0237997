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

    /** Service property: the node name of this channel ({@code default} for the node's main endpoint). */
    String NODE = "aethercore.b4ae.node";

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
