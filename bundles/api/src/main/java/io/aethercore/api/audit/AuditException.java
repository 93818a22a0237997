package io.aethercore.api.audit;

/** The audit log could not complete an operation (storage failed, no signing key, log closed). */
public class AuditException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public AuditException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    public AuditException(String message) {
        this(message, null, false);
    }

    /** Whether the same call may succeed later (a provider being swapped, a disk that was full). */
    public boolean isRetryable() {
        return retryable;
    }
}
