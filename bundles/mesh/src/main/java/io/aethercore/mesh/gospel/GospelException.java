package io.aethercore.mesh.gospel;

/** The Gospel refused a change, or cannot read or write its journal. */
public final class GospelException extends Exception {
    private static final long serialVersionUID = 1L;

    public GospelException(String message, Throwable cause) {
        super(message, cause);
    }
}
