package io.aethercore.b4ae.internal;

import java.util.Locale;

/**
 * Why the UDP transport of {@code io.aethercore.b4ae} is not listening, reported in {@link NodeWiring} while it is
 * so, for the status commands to say: {@code 0.0.0.0:4000 address already in use}.
 *
 * @param listenAddress the configured {@code listen_address}
 * @param reason        what failed, in plain words
 */
public record TransportProblem(String listenAddress, String reason) {

    /** A problem from the exception that the bind threw. */
    public static TransportProblem of(String listenAddress, Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.replace(" (Bind failed)", "").strip();
        if (!m.isEmpty()) {
            m = m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
        }
        return new TransportProblem(listenAddress, m);
    }

    /** {@code 0.0.0.0:4000 address already in use}. */
    public String describe() {
        return listenAddress + " " + reason;
    }
}
