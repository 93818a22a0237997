package io.aethercore.dashboard.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * A logged-in operator: the bearer token carried in the {@code aether_session} cookie, whose operator it is and
 * when it ends. Sessions are kept in memory and, as SHA-256 hashes of their tokens, in the
 * operator store, so that a bundle update or a restart does not log anybody out; they are not extended by use.
 *
 * @param token the session token (256 random bits, base64url); a secret, so {@link #toString()} omits it
 * @param operator the operator's name
 * @param expires when the session ends
 */
public record Session(String token, String operator, Instant expires) {

    public Session {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(expires, "expires");
    }

    @Override
    public String toString() {
        return "Session[operator=" + operator + ", expires=" + expires + "]";
    }
}
