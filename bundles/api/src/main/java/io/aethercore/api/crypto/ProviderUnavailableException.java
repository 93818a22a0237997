package io.aethercore.api.crypto;

/**
 * No provider of the needed service is present right now, typically because the only provider is
 * being updated or restarted. Retryable: the same call is expected to succeed once a provider is
 * back.
 */
public final class ProviderUnavailableException extends CryptoException {
    private static final long serialVersionUID = 1L;

    public ProviderUnavailableException(String message) {
        super(message);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
