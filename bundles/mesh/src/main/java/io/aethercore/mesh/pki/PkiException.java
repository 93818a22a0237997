package io.aethercore.mesh.pki;

/**
 * A certificate, a genesis bundle or a file holding one is not usable. The message is written for the
 * operator: it says what is wrong and, where there is one, what to do.
 */
public final class PkiException extends Exception {
    private static final long serialVersionUID = 1L;

    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
