package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.Mode;
import java.net.InetSocketAddress;

/**
 * Keys waiting for key confirmation (§5.4): a Mode A responder's until the initiator's first record, a
 * Mode B initiator's until the responder's first record (the responder sends a KEEPALIVE once FINISH
 * verified). {@code init} is the initiator's pending connect, null on the responder.
 */
record Unconfirmed(Keypair keypair, String peer, String fingerprint, Mode mode, InetSocketAddress address,
                   long startedNanos, long expiresNanos, PendingInit init) {}
