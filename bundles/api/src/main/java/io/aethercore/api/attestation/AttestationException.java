package io.aethercore.api.attestation;

/** An attestation operation failed. {@link #failure()} says at which stage, for operator guidance. */
public class AttestationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Where it failed; the console maps each to its guidance (docs/operations.md, "TPM health check"). */
    public enum Failure {
        /** No TPM was found where the configuration says to look. */
        NOT_DETECTED,
        /** The TPM was there and is not reachable now (simulator stopped, device gone); retryable. */
        UNAVAILABLE,
        /** The TPM answered with an error code. */
        TPM_ERROR,
        /** This provider cannot do the operation (a software provider has no endorsement key). */
        UNSUPPORTED
    }

    private final Failure failure;

    public AttestationException(Failure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    public AttestationException(Failure failure, String message) {
        this(failure, message, null);
    }

    public Failure failure() {
        return failure;
    }

    /** Whether trying again later may succeed (the TPM may come back). */
    public boolean isRetryable() {
        return failure == Failure.UNAVAILABLE;
    }
}
