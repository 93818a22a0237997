package io.aethercore.api.merkle;

/** A log could not complete an operation: storage failed, or the log is closed. */
public class MerkleLogException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public MerkleLogException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    public MerkleLogException(String message) {
        this(message, null, false);
    }

    /** Whether the operation may succeed if tried again (the log was being reopened, a disk was full). */
    public boolean isRetryable() {
        return retryable;
    }
}
