package io.aethercore.dashboard.internal;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions for clients the node opens to itself (the load test's measuring clients), on behalf of the console
 * operator who started them: 256-bit random tokens, never written anywhere, valid for minutes, at most 64.
 */
public final class InternalSessions {

    private record Entry(String operator, Instant expires) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();

    /** A token for {@code operator}, valid for {@code ttl}. */
    public String issue(String operator, Duration ttl) {
        Instant now = Instant.now();
        sessions.values().removeIf(e -> e.expires().isBefore(now));
        if (sessions.size() >= 64) {
            throw new IllegalStateException("too many internal dashboard sessions");
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = "internal." + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        sessions.put(token, new Entry(operator, now.plus(ttl)));
        return token;
    }

    public void revoke(String token) {
        sessions.remove(token);
    }

    Optional<io.aethercore.dashboard.DashboardServer.Login> login(String token) {
        Entry e = sessions.get(token);
        if (e == null || e.expires().isBefore(Instant.now())) {
            return Optional.empty();
        }
        return Optional.of(new io.aethercore.dashboard.DashboardServer.Login(e.operator(), e.expires()));
    }
}
