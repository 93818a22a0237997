package io.aethercore.api.attestation;

/** Bytes that claim to be a TPM 2.0 structure are not one (truncated, oversized, unknown tag). */
public final class MalformedTpmDataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public MalformedTpmDataException(String message) {
        super(message);
    }
}
