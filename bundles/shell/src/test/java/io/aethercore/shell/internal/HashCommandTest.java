package io.aethercore.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What an operator sees for wrong arguments, before any provider is looked up. */
class HashCommandTest {

    private static String error(HashCommand c) {
        return assertThrows(IllegalArgumentException.class, c::hash).getMessage();
    }

    @Test
    void unknownAlgorithmNamesTheChoices() {
        HashCommand c = new HashCommand();
        c.algorithm = "md5";
        c.text = "x";
        assertTrue(error(c).contains("BLAKE3, SHA-256, SHA-512"));
    }

    @Test
    void modesExistForBlake3Only() {
        HashCommand c = new HashCommand();
        c.algorithm = "SHA-256";
        c.mode = "keyed";
        c.text = "x";
        assertEquals("mode keyed exists for BLAKE3 only", error(c));
    }

    @Test
    void needsExactlyOneInput() {
        HashCommand neither = new HashCommand();
        assertTrue(error(neither).contains("either a string or --file"));
        HashCommand both = new HashCommand();
        both.text = "x";
        both.file = "/etc/hostname";
        assertTrue(error(both).contains("either a string or --file"));
    }

    @Test
    void filterValuesAreEscaped() {
        assertEquals("a\\(b\\)\\*c\\\\", Providers.escape("a(b)*c\\"));
    }
}
