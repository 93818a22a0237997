package io.aethercore.b4ae.internal;

/** A handshake message was rejected; {@link #reason()} is a stable metric label. */
final class HandshakeException extends Exception {

    private static final long serialVersionUID = 1L;
    private final String reason;

    HandshakeException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
