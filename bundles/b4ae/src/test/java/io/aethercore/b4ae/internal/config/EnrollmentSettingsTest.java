package io.aethercore.b4ae.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The enrollment keys of the endpoint (docs/configuration.md, "Enrollment"): defaults, values, refusals. */
class EnrollmentSettingsTest {

    private static B4aeSettings parse(Map<String, ?> p) {
        return B4aeSettingsParser.parse(p, Map.of(), false).endpointOrThrow();
    }

    @Test
    void defaults() {
        B4aeSettings s = parse(Map.of());
        assertFalse(s.enrollmentAcceptUnpinned());
        assertEquals(32, s.enrollmentMaxSessions());
        assertEquals(120, s.enrollmentSessionSeconds());
    }

    @Test
    void valuesAsStringsAndTyped() {
        B4aeSettings s = parse(Map.of("enrollment.accept_unpinned", "TRUE", "enrollment.max_sessions", "1024",
                "enrollment.session_seconds", " 5 "));
        assertTrue(s.enrollmentAcceptUnpinned());
        assertEquals(1024, s.enrollmentMaxSessions());
        assertEquals(5, s.enrollmentSessionSeconds());
        s = parse(Map.of("enrollment.accept_unpinned", Boolean.TRUE, "enrollment.max_sessions", 1,
                "enrollment.session_seconds", 3600));
        assertTrue(s.enrollmentAcceptUnpinned());
        assertEquals(1, s.enrollmentMaxSessions());
        assertEquals(3600, s.enrollmentSessionSeconds());
        assertEquals(s.enrollmentMaxSessions(), s.toBuilder().build().enrollmentMaxSessions());
    }

    @ParameterizedTest
    @CsvSource({
            "enrollment.accept_unpinned, yes, 'allowed: true, false'",
            "enrollment.accept_unpinned, '', 'allowed: true, false'",
            "enrollment.max_sessions, 0, 'allowed: 1 to 1024'",
            "enrollment.max_sessions, 1025, 'allowed: 1 to 1024'",
            "enrollment.max_sessions, many, 'allowed: an integer from 1 to 1024'",
            "enrollment.max_sessions, 2.5, 'allowed: an integer from 1 to 1024'",
            "enrollment.session_seconds, 4, 'allowed: 5 to 3600'",
            "enrollment.session_seconds, 3601, 'allowed: 5 to 3600'",
            "enrollment.session_seconds, -1, 'allowed: 5 to 3600'"})
    void refused(String key, String value, String allowed) {
        B4aeSettings bad = B4aeSettingsParser.parse(Map.of(key, value), Map.of(), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::endpointOrThrow);
        assertTrue(e.getMessage().startsWith(key + ": '"), e.getMessage());
        assertTrue(e.getMessage().endsWith(allowed), e.getMessage());
    }
}
