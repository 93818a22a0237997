package io.aethercore.api.custody;

/** A key with that label already exists; custodies never overwrite keys. */
public final class KeyExistsException extends KeyCustodyException {
    private static final long serialVersionUID = 1L;

    public KeyExistsException(String custody, String label) {
        super("custody '" + custody + "' already holds a key '" + label + "'; keys are never overwritten");
    }
}
