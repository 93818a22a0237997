package io.aethercore.b4ae.internal.scheduler;

import java.util.Objects;

/**
 * One application message waiting for a send slot. {@code session} is the core's own session object; the
 * scheduler never looks inside it. {@code enqueuedNanos} is {@link System#nanoTime()} at submission, used
 * for the queue-latency bound and metric.
 */
public record OutboundMessage(Object session, byte[] payload, long enqueuedNanos) {

    public OutboundMessage {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(payload, "payload");
    }
}
