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
        assertEquals(Mode.B, s.preferred(), "Mode B where both sides support it (issue 17)");
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

    @Test
    void severalPeersInACfgFileTakeOneKeyEachInTheOrderOfTheirLabels() {
        // what Felix FileInstall hands over for peers.1, peers.2, peers.10, peers.node9 lines of a .cfg file
        Map<String, Object> p = Map.of("peers.10", "name=c;x25519=C", "peers.2", "name=b;x25519=B",
                "peers.1", " name=a;x25519=A ", "peers.node9", "name=d;x25519=D", "peers", "name=z;x25519=Z");
        assertEquals(List.of("name=z;x25519=Z", "name=a;x25519=A", "name=b;x25519=B", "name=c;x25519=C",
                "name=d;x25519=D"), B4aeSettingsParser.parse(p, Map.of(), false).endpointOrThrow().peers());
    }

    @Test
    void peersAsAnArrayFromATypedConfigFileOrAStringFromPropertySet() {
        // .config: peers=["name=a;...","name=b;..."]; config:property-set -p io.aethercore.b4ae peers.1 "name=a;..."
        assertEquals(List.of("name=a;x25519=A", "name=b;x25519=B"), B4aeSettingsParser.parse(
                Map.of("peers", new String[] {"name=a;x25519=A", "name=b;x25519=B"}), Map.of(), false).peers());
        assertEquals(List.of("name=a;x25519=A", "name=b;x25519=B"), B4aeSettingsParser.parse(
                Map.of("peers", List.of("name=a;x25519=A"), "peers.1", "name=b;x25519=B"), Map.of(), false).peers());
        assertEquals(List.of(), B4aeSettingsParser.parse(Map.of("peers.", "x", "peersx", "y"), Map.of(), false).peers());
    }

    @Test
    void supportedModesInACfgFileAreOneCommaSeparatedString() {
        for (String key : List.of("supported_modes", "authentication.supported_modes")) {
            assertEquals(EnumSet.of(Mode.A, Mode.B), B4aeSettingsParser.parse(Map.of(key, "mode_a, mode_b"), Map.of(), false)
                    .endpointOrThrow().supported(), key);
            assertEquals(EnumSet.of(Mode.B), B4aeSettingsParser.parse(Map.of(key, new String[] {"mode_b"},
                    "preferred_mode", "mode_b", "authentication.preferred_mode", "mode_b"), Map.of(), false)
                    .endpointOrThrow().supported(), key);
        }
        B4aeSettings s = B4aeSettingsParser.parse(Map.of("authentication.supported_modes", "mode_a, mode_b"), Map.of(), false);
        assertNotNull(s.document(), s.documentProblems().toString());
        assertThrows(IllegalArgumentException.class, () -> B4aeSettingsParser.parse(
                Map.of("supported_modes", "mode_a; mode_c"), Map.of(), false).endpointOrThrow());
    }
}
