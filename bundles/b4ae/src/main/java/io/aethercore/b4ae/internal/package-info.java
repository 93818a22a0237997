/**
 * B4AE v2 implementation: OSGi-free protocol classes; DS components wire them to the crypto services,
 * key custody and datagram transports. The protocol is specified in {@code docs/b4ae-protocol.md}.
 */
package io.aethercore.b4ae.internal;
