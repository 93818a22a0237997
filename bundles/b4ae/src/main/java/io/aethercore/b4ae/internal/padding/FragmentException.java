package io.aethercore.b4ae.internal.padding;

/** A fragment was malformed or broke a reassembly limit; {@link #reason()} is a short stable token. */
public final class FragmentException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public FragmentException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Stable token usable as a metric label ({@code "fragment-header"}, {@code "fragment-limits"}, ...). */
    public String reason() {
        return reason;
    }
}
