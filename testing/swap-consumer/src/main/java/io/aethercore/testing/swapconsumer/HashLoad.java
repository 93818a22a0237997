package io.aethercore.testing.swapconsumer;

import org.osgi.annotation.versioning.ProviderType;

/** Hashes in a loop on several threads through whichever provider is bound, and reports. */
@ProviderType
public interface HashLoad {

    /**
     * Starts {@code threads} threads hashing {@code inputLength} bytes with {@code algorithmId}
     * (BLAKE3 or SHA-256) until {@link #stop()}.
     */
    void start(String algorithmId, int threads, int inputLength);

    /** Calls completed so far (successful or not). */
    long calls();

    /** Provider of the latest successful call, or {@code null} before the first. */
    String lastProvider();

    /** Stops the threads and reports. */
    LoadReport stop() throws InterruptedException;
}
