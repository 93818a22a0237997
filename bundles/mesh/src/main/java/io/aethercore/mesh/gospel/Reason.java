package io.aethercore.mesh.gospel;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Why a node was purged: the four reasons of the playbook, spelled as operators type them. */
public enum Reason {
    ATTESTATION_FAILURE("AttestationFailure"),
    BYZANTINE_DETECTION("ByzantineDetection"),
    OPERATOR_OVERRIDE("OperatorOverride"),
    IDENTITY_COLLAPSE("IdentityCollapse");

    private final String label;

    Reason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The reason named {@code s} (as the playbook spells it, or the enum name). */
    public static Reason parse(String s) {
        for (Reason r : values()) {
            if (r.label.equalsIgnoreCase(s) || r.name().equalsIgnoreCase(s)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown purge reason '" + s + "'; one of "
                + Arrays.stream(values()).map(Reason::label).collect(Collectors.joining(", ")));
    }

    static Reason ofCode(int code) {
        if (code < 1 || code > values().length) {
            throw new IllegalArgumentException("purge reason code " + code + " unknown");
        }
        return values()[code - 1];
    }

    int code() {
        return ordinal() + 1;
    }

    @Override
    public String toString() {
        return label;
    }
}
