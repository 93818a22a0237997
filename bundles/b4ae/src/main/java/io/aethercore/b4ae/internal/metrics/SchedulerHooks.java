package io.aethercore.b4ae.internal.metrics;

import io.aethercore.b4ae.internal.MetadataHooks;
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
 * <p>The padding function receives the record's inner length (inner header + content). Records longer than
 * {@code max_bucket_size} keep their own length (the core caps a record at one datagram); they are the only
 * ones whose size on the wire is not a bucket.
 */
final class SchedulerHooks implements MetadataHooks {

    private final GlobalScheduler scheduler;
    private final Supplier<Padme> padme;
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

    /** Messages go to the scheduler's queue; it rejects with a runtime exception when full or stopped. */
    @Override
    public Consumer<OutboundMessage> attach(SlotSink sink) {
        attached = sink;
        scheduler.setSink(sink);
        return scheduler::submit;
    }

    @Override
    public void detach(SlotSink sink) {
        if (attached == sink) {
            attached = null;
            scheduler.setSink(null);
        }
    }
}
