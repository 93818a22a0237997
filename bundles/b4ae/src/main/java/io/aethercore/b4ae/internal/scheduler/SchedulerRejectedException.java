package io.aethercore.b4ae.internal.scheduler;

/** {@link GlobalScheduler#submit} refused a message; {@link #reason()} is {@code queue-full} or {@code stopped}. */
public final class SchedulerRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public SchedulerRejectedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
