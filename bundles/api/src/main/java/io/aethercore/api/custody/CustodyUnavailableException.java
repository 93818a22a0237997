package io.aethercore.api.custody;

/**
 * The custody's backing store or device is not reachable now (token removed, TPM gone, disk not
 * readable). Retryable: the custody recovers when the device returns.
 */
public final class CustodyUnavailableException extends KeyCustodyException {
    private static final long serialVersionUID = 1L;

    public CustodyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
