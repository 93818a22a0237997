package io.aethercore.api.mesh;

import java.util.List;
import java.util.Objects;

/**
 * A trust score in [0, 1] with the factors it was computed from ({@code aether:trust <node>} prints them).
 */
public record TrustScore(double value, List<TrustFactor> factors) {
    public TrustScore {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("a trust score is in [0, 1], got " + value);
        }
        factors = List.copyOf(Objects.requireNonNull(factors, "factors"));
    }
}
