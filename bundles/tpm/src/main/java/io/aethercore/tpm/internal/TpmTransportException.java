package io.aethercore.tpm.internal;

/**
 * The TPM could not be reached: the connection broke, timed out, or the device is gone. Unlike a TPM
 * error code, the TPM's state is unknown afterwards, so the session reconnects before the next command.
 */
final class TpmTransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TpmTransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
