package io.aethercore.b4ae.internal;

import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datagram dispatch (wireguard-go's {@code receive}): every datagram from the transport goes to the part that
 * handles its type (§3); unknown types and internal errors are counted as drops, never thrown.
 */
final class Receive {

    private static final Logger LOG = LoggerFactory.getLogger(Receive.class);

    private final EngineContext ctx;
    private final Initiations initiations;
    private final Responses responses;
    private final RecordLayer records;
    private final Datagrams datagrams;
    private volatile boolean closed;

    Receive(EngineContext ctx, Initiations initiations, Responses responses, RecordLayer records, Datagrams datagrams) {
        this.ctx = ctx;
        this.initiations = initiations;
        this.responses = responses;
        this.records = records;
        this.datagrams = datagrams;
    }

    void close() {
        closed = true;
    }

    void onDatagram(InetSocketAddress from, byte[] d, int len) {
        if (closed || len < 1 || len > d.length) {
            return;
        }
        try {
            switch (Bytes.u8(d, 0)) {
                case Wire.T_INIT -> responses.onInit(from, d, len);
                case Wire.T_RESP -> initiations.onResp(from, d, len);
                case Wire.T_FINISH -> responses.onFinish(from, d, len);
                case Wire.T_DATA -> records.onData(from, d, len);
                case Wire.T_COOKIE -> initiations.onCookie(from, d, len);
                case Wire.T_NACK -> datagrams.onNack(from, d, len);
                default -> ctx.observer().datagramDropped("type");
            }
        } catch (RuntimeException e) {
            LOG.warn("B4AE datagram from {} dropped after an internal error", from, e);
            ctx.observer().datagramDropped("internal");
        }
    }
}
