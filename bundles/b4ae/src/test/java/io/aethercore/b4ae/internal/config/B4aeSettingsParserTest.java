package io.aethercore.b4ae.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.b4ae.Mode;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one reader of the B4AE PID: typed names, the document's aliases, the environment. */
class B4aeSettingsParserTest {

    @Test
    void defaultsAreTheTypedConfigurationsAndTheDocumentIsValidated() {
        B4aeSettings s = B4aeSettingsParser.parse(Map.of(), Map.of(), false).endpointOrThrow();
        assertEquals("0.0.0.0:4000", s.listenAddress());
        assertEquals(EnumSet.allOf(Mode.class), s.supported());
        assertEquals(Mode.A, s.preferred());
        assertNull(s.cookieSecret());
        assertNotNull(s.document());
        assertTrue(s.auditEnabled());
        assertEquals(60, s.auditSummaryIntervalSeconds());
    }

    @Test
    void documentNamesWinOverTypedNamesAndTheEnvironmentOverBoth() {
        Map<String, Object> p = Map.of("listen_address", "127.0.0.1:1", "network.listen_address", "127.0.0.1:2",
                "expiry_seconds", "40", "cookie_challenge.expiry_seconds", "50", "peers", new String[] {"a", " ", "b"},
                "supported_modes", new String[] {"mode_a", "mode_b"}, "rekey_after_seconds", 99);
        B4aeSettings s = B4aeSettingsParser.parse(p, Map.of("B4AE_AUTH_MODE", "mode_a"), true).endpointOrThrow();
        assertEquals("127.0.0.1:2", s.listenAddress());
        assertEquals(50, s.expirySeconds());
        assertEquals(List.of("a", "b"), s.peers());
        assertEquals(EnumSet.of(Mode.A), s.supported());
        assertEquals(99, s.rekeyAfterSeconds());
        assertTrue(s.ownTransport());
    }

    @Test
    void anInvalidEndpointValueStopsTheEndpointAndAnInvalidDocumentOnlyTheDocument() {
        B4aeSettings bad = B4aeSettingsParser.parse(Map.of("cookie_challenge.secret", "abcd"), Map.of(), false);
        assertThrows(IllegalArgumentException.class, bad::endpointOrThrow);
        B4aeSettings doc = B4aeSettingsParser.parse(Map.of("global_scheduler.dummy_rate", "2"), Map.of(), false);
        doc.endpointOrThrow();
        assertNull(doc.document());
        assertTrue(doc.documentProblems().get(0).startsWith("global_scheduler.dummy_rate"), doc.documentProblems().toString());
        assertEquals(doc.documentProblems(), assertThrows(B4aeConfigException.class, doc::documentOrThrow).problems());
        assertEquals(32, B4aeSettingsParser.parse(Map.of(), Map.of("B4AE_COOKIE_SECRET", "00".repeat(32)), false)
                .cookieSecret().length);
        assertEquals(-1, B4aeSettingsParser.parse(Map.of("audit.summary_interval_s", "x"), Map.of(), false)
                .auditSummaryIntervalSeconds());
    }
}
