/**
 * B4AE v2 secure channel: authenticated sessions between mesh nodes (Mode A deniable X25519, Mode B
 * hybrid post-quantum), the datagram transport SPI and the trust store of pinned peer keys.
 *
 * <p>{@link io.aethercore.api.b4ae.SecureChannel} opens {@link io.aethercore.api.b4ae.Session}s;
 * {@link io.aethercore.api.b4ae.DatagramTransport}s are whiteboard services (UDP is built in, tests add
 * an in-memory one); {@link io.aethercore.api.b4ae.TrustStore} holds the peers' pinned long-term keys.
 * The wire protocol is specified in {@code docs/b4ae-protocol.md}.
 */
@Export
@Version("1.1.0")
package io.aethercore.api.b4ae;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
