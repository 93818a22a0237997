package io.aethercore.dashboard.auth;

/**
 * A refused enrolment, registration or login. The message says what failed and what the operator can do; it
 * never contains a token or key material. {@link #kind()} tells the HTTP layer which status to answer.
 */
public final class AuthException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the request was refused. */
    public enum Kind {
        /** The request is malformed (HTTP 400). */
        BAD_REQUEST,
        /** The request is well-formed but not authentic, not allowed, used up or expired (HTTP 401). */
        REFUSED
    }

    private final Kind kind;

    public AuthException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public AuthException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    static AuthException bad(String message) {
        return new AuthException(Kind.BAD_REQUEST, message);
    }

    static AuthException refused(String message) {
        return new AuthException(Kind.REFUSED, message);
    }

    public Kind kind() {
        return kind;
    }
}
