package io.aethercore.b4ae.internal;

import java.net.InetSocketAddress;

/** A completed Mode B initiator handshake keeps FINISH a while, to answer NACKs and a repeated RESP. */
record Finished(int respIndex, InetSocketAddress address, byte[][] datagrams, long untilNanos) {}
