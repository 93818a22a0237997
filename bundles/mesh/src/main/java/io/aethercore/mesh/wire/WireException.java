package io.aethercore.mesh.wire;

/** A mesh message that is not well formed. The bytes came from the network: nothing in them is trusted. */
public final class WireException extends Exception {
    private static final long serialVersionUID = 1L;

    public WireException(String message) {
        super(message);
    }
}
