package io.aethercore.b4ae.internal;

import io.aethercore.b4ae.internal.scheduler.OutboundMessage;
import io.aethercore.b4ae.internal.scheduler.SlotSink;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;

/**
 * How the metadata layer (padding, constant-rate scheduler) plugs into the running channel: bind one in the
 * bundle's {@link NodeWiring} (not an OSGi service: an internal type); {@link B4aeComponent} takes the bound
 * one, also when it changes, and hands it the engine's {@link SlotSink}. Without one, records are sealed and sent at once,
 * with the minimum padding.
 */
public interface MetadataHooks {

    /** Padded plaintext length for a minimum length (inner header + content); smaller values are ignored. */
    default IntUnaryOperator padding() {
        return IntUnaryOperator.identity();
    }

    /**
     * Called when the hooks are bound to an engine: returns where sessions hand their messages (a scheduler
     * queue that later calls {@code sink.emit} / {@code sink.emitDummy}), or {@code null} to send directly.
     */
    default Consumer<OutboundMessage> attach(SlotSink sink) {
        return null;
    }

    /** The engine stops using these hooks (unbound, or the channel stopped); stop calling {@code sink}. */
    default void detach(SlotSink sink) {
    }
}
