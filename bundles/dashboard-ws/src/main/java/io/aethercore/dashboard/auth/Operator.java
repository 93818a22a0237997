package io.aethercore.dashboard.auth;

import java.time.Instant;

/**
 * An enrolled operator as the console lists it.
 *
 * @param name the operator's name ({@code [a-z][a-z0-9._-]{0,63}})
 * @param credentials how many security keys are registered
 * @param created when the first key was registered
 * @param lastLogin the last successful login, or {@code null} if never
 */
public record Operator(String name, int credentials, Instant created, Instant lastLogin) {
}
