package io.aethercore.b4ae.internal.scheduler;

import java.util.List;

/**
 * Implemented by the B4AE core, called by the global scheduler at each send slot. Sealing happens at emission
 * time, so record counters follow the order on the wire. Both methods are called from the scheduler thread
 * only, must not block on the network for long, and must not throw.
 */
public interface SlotSink {

    /** Seal and send one real message now. */
    void emit(OutboundMessage message);

    /**
     * Seal and send one dummy record whose padded plaintext is {@code paddedSize} bytes, under a session
     * the core chooses (inner type DUMMY inside the encryption).
     *
     * @return false when no session is open, so there is nothing to send a dummy on
     */
    boolean emitDummy(int paddedSize);

    /**
     * The destinations a slot may be given to (the open sessions), for per-destination cover traffic; empty
     * when the core does not tell (then dummies go on sessions of the core's choosing).
     */
    default List<?> destinations() {
        return List.of();
    }

    /** The destination of a queued message, comparable with the elements of {@link #destinations()}. */
    default Object destinationOf(OutboundMessage message) {
        return message.session();
    }

    /** One dummy record to {@code destination}; false when it is no longer open. */
    default boolean emitDummyTo(Object destination, int paddedSize) {
        return emitDummy(paddedSize);
    }
}
