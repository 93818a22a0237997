package io.aethercore.api.b4ae;

import io.aethercore.api.crypto.RawPublicKey;
import java.time.Instant;
import java.util.Objects;

/** A peer's long-term public key pinned in the {@link TrustStore}, valid from {@code validFrom}. */
public record PinnedKey(String peer, RawPublicKey key, Instant validFrom) {

    public PinnedKey {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(validFrom, "validFrom");
    }
}
