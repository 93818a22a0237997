package io.aethercore.api.b4ae;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * What an operator sees of a session. {@code keysAge} is the age of the current traffic keys (they are
 * replaced by a rekey handshake); {@code keyGeneration} counts the handshakes of this session.
 */
public record SessionInfo(
        String id,
        String peer,
        String peerKeyFingerprint,
        Mode mode,
        boolean initiator,
        InetSocketAddress peerAddress,
        Instant opened,
        Duration keysAge,
        int keyGeneration,
        long recordsSent,
        long recordsReceived,
        boolean open) {
}
