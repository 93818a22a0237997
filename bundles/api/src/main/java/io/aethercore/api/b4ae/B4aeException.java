package io.aethercore.api.b4ae;

/**
 * A B4AE operation failed: a handshake did not complete, a session is closed, a peer is unknown. The
 * {@link #reason()} is a short stable token ({@code timeout}, {@code unknown-peer}, {@code downgrade},
 * {@code closed}, {@code no-transport}, ...); the message says what to do.
 */
public class B4aeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public B4aeException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public B4aeException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
