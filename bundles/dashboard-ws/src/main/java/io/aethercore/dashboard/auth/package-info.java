/**
 * Operator login with a FIDO2 security key (WebAuthn): the engine {@link io.aethercore.dashboard.auth.OperatorAuth}
 * (enrolment tokens, registration, login, sessions, the on-disk store of operators and their keys) and the
 * Jetty 12 handler {@link io.aethercore.dashboard.auth.AuthHandler} serving {@code /auth/*}. Free of OSGi.
 * Every WebAuthn verification (CBOR, COSE keys, signatures, origins, counters) is done by webauthn4j.
 * Contract: {@code docs/dashboard.md}, "Operator login (WebAuthn)".
 */
package io.aethercore.dashboard.auth;
