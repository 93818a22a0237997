package io.aethercore.mesh.pki;

/** A certificate or genesis bundle is not acceptable; the message says why, for an operator. */
public final class PkiException extends Exception {
    private static final long serialVersionUID = 1L;

    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
