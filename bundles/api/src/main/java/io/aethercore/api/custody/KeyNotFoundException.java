package io.aethercore.api.custody;

/** No key with that label (or handle) exists in the custody. */
public final class KeyNotFoundException extends KeyCustodyException {
    private static final long serialVersionUID = 1L;

    public KeyNotFoundException(String custody, String label) {
        super("no key '" + label + "' in custody '" + custody + "'");
    }
}
