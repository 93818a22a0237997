package io.aethercore.api.mesh;

/** A mesh operation failed; the message says why in words an operator can act on. */
public class MeshException extends Exception {
    private static final long serialVersionUID = 1L;

    public MeshException(String message) {
        super(message);
    }

    public MeshException(String message, Throwable cause) {
        super(message, cause);
    }
}
