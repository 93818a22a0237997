package io.aethercore.api.mesh;

import java.util.Objects;

/**
 * One factor of a trust score: a value in [0, 1] and its weight in the score.
 *
 * @param name short identifier, e.g. {@code attestation}, {@code freshness}, {@code liveness}
 * @param weight the factor's share of the score; the weights of a score sum to 1
 * @param value how well the node does on this factor, 0 (worst) to 1 (best)
 * @param detail what an operator reads, e.g. {@code last heartbeat 2 s ago}
 */
public record TrustFactor(String name, double weight, double value, String detail) {
    public TrustFactor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(detail, "detail");
        if (!(weight >= 0 && weight <= 1) || !(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("weight and value must be in [0, 1]: " + name + " " + weight + " " + value);
        }
    }
}
