package io.aethercore.b4ae.internal.scheduler;

/**
 * What the scheduler reports, called from the scheduler thread (and {@link #rejected} from submitters).
 * Implementations must be cheap and must not throw.
 */
public interface SchedulerListener {

    SchedulerListener NONE = new SchedulerListener() { };

    /** A real message left in a slot after waiting {@code queueNanos}; {@code breach} if above the bound. */
    default void realSent(int paddedSize, long queueNanos, boolean breach) { }

    /** A dummy of {@code paddedSize} bytes left. */
    default void dummySent(int paddedSize) { }

    /** A slot passed with nothing to send (or no open session to send a dummy on). */
    default void emptySlot() { }

    /** {@code count} slots passed empty while the scheduler slept through an idle stretch. */
    default void emptySlots(long count) {
        for (long i = 0; i < count; i++) {
            emptySlot();
        }
    }

    /** The thread woke up late and skipped {@code count} slots rather than sending a burst. */
    default void slotsMissed(long count) { }

    /** A submission was refused ({@code "queue-full"} or {@code "stopped"}). */
    default void rejected(String reason) { }

    /** The sink threw although it must not; the message is lost and counted. */
    default void sinkFailed(RuntimeException e) { }
}
