package io.aethercore.dashboard.auth;

/**
 * Where {@link OperatorAuth} reports what happened: every enrolment, registration, login, logout and removal,
 * and every failure of them. The node writes these to its audit log. Implementations must be thread-safe and
 * must not throw; a detail never contains a token, a challenge or key material.
 */
@FunctionalInterface
public interface AuthAudit {

    /** A one-time enrolment token was issued for an operator (console). */
    String ENROL = "dashboard.operator.enrol";
    /** A security key was registered for an operator, or a registration failed. */
    String REGISTER = "dashboard.operator.register";
    /** An operator logged in, or a login failed. */
    String LOGIN = "dashboard.login";
    /** A session was ended by its operator. */
    String LOGOUT = "dashboard.logout";
    /** An operator and all their keys and sessions were removed (console). */
    String REMOVE = "dashboard.operator.remove";

    /**
     * Records one event.
     *
     * @param action one of the constants of this interface
     * @param operator the operator concerned, or {@code null} when unknown (for example a malformed request)
     * @param success whether the action succeeded
     * @param detail a short human-readable explanation, never a secret
     */
    void record(String action, String operator, boolean success, String detail);

    /** An audit that drops everything (tests and tools). */
    static AuthAudit none() {
        return (action, operator, success, detail) -> { };
    }
}
