package io.aethercore.api.custody;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A reference to a private key held by a custody: where it lives, what it is, and its public key.
 * Holds no private material, so it may be logged, stored and passed around freely.
 */
public final class KeyHandle {

    private final String custody;
    private final CustodyKind kind;
    private final String label;
    private final RawPublicKey publicKey;
    private final Instant created;

    public KeyHandle(String custody, CustodyKind kind, String label, RawPublicKey publicKey, Instant created) {
        this.custody = Objects.requireNonNull(custody, "custody");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.label = Objects.requireNonNull(label, "label");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        this.created = created;
    }

    /** Name of the custody holding the key ({@link KeyCustody#name()}). */
    public String custody() {
        return custody;
    }

    public CustodyKind kind() {
        return kind;
    }

    /** The key's label, unique within its custody. */
    public String label() {
        return label;
    }

    public KeyAlgorithm algorithm() {
        return publicKey.algorithm();
    }

    public RawPublicKey publicKey() {
        return publicKey;
    }

    /** When the key was generated or imported, if the custody knows. */
    public Instant created() {
        return created;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyHandle h
                && h.custody.equals(custody)
                && h.label.equals(label)
                && h.publicKey.equals(publicKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(custody, label, publicKey);
    }

    @Override
    public String toString() {
        return custody + "/" + label + " (" + kind.id() + ", " + publicKey + ")";
    }
}
