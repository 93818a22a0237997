package io.aethercore.b4ae.internal.metrics;

import io.aethercore.b4ae.internal.B4aeEngine;
import io.aethercore.b4ae.internal.MetadataHooks;
import io.aethercore.b4ae.internal.padding.Splitter;
import io.aethercore.b4ae.internal.scheduler.SchedulerRejectedException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import io.aethercore.b4ae.internal.padding.Padme;
import io.aethercore.b4ae.internal.scheduler.GlobalScheduler;
import io.aethercore.b4ae.internal.scheduler.OutboundMessage;
import io.aethercore.b4ae.internal.scheduler.SlotSink;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;

/**
 * The metadata layer as the core sees it: PADMÉ for record padding and, in constant-rate mode, the global
 * scheduler as the place sessions hand their messages to. {@link B4aeOpsComponent} registers one as a
 * {@link MetadataHooks} service; the core's channel binds it and attaches its engine ({@link SlotSink}).
 *
 * <p>The padding function receives the record's inner length (inner header + content).
 */
final class SchedulerHooks implements MetadataHooks {

    private final GlobalScheduler scheduler;
    private final Supplier<Padme> padme;
    /** Inner header of a record (type, length) inside the encryption: must equal the core's Wire.INNER_HEADER. */
    static final int INNER_HEADER = B4aeOpsComponent.RECORD_INNER_HEADER;

    private final AtomicInteger messageIds = new AtomicInteger();
    private volatile SlotSink attached;

    SchedulerHooks(GlobalScheduler scheduler, Supplier<Padme> padme) {
        this.scheduler = scheduler;
        this.padme = padme;
    }

    @Override
    public IntUnaryOperator padding() {
        return len -> {
            Padme p = padme.get();
            return len > p.maxBucket() ? len : p.applyAsInt(len);
        };
    }

    /**
     * Messages go to the scheduler's queue; it rejects with a runtime exception when full or stopped. A message
     * that does not fit the largest bucket is split (padding.Splitter) and each fragment takes its own slot,
     * so every record on the wire has a bucket size; the fragments of one message are queued together or
     * not at all.
     */
    @Override
    public Consumer<OutboundMessage> attach(SlotSink sink) {
        attached = sink;
        scheduler.setSink(sink);
        return message -> {
            int room = padme.get().maxBucket() - INNER_HEADER;
            if (message.payload().length <= room) {
                scheduler.submit(message);
                return;
            }
            List<byte[]> parts = new Splitter(room).split(messageIds.incrementAndGet(), message.payload());
            int free = scheduler.settings().maxQueueSize() - scheduler.queueDepth();
            if (parts.size() > free) {
                throw new SchedulerRejectedException("queue-full", "B4AE scheduler queue has room for " + free
                        + " records; a message of " + message.payload().length + " bytes needs " + parts.size());
            }
            B4aeEngine.FragmentOf target = new B4aeEngine.FragmentOf(message.session());
            for (byte[] part : parts) {
                scheduler.submit(new OutboundMessage(target, part, message.enqueuedNanos()));
            }
        };
    }

    @Override
    public void detach(SlotSink sink) {
        if (attached == sink) {
            attached = null;
            scheduler.setSink(null);
        }
    }
}
