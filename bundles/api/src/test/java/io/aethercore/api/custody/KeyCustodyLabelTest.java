package io.aethercore.api.custody;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyCustodyLabelTest {

    @ParameterizedTest
    @ValueSource(strings = {"node", "node-key.2026", "A_b-9", "x"})
    void acceptsPlainLabels(String label) {
        assertEquals(label, KeyCustody.checkLabel(label));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".hidden", "../etc/passwd", "a/b", "a b", "é", "nul\u0000",
        "12345678901234567890123456789012345678901234567890123456789012345"})
    void rejectsLabelsThatCouldEscapeOrConfuse(String label) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyCustody.checkLabel(label));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("invalid key label"));
    }
}
