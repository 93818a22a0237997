package io.aethercore.shell.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConfigUpdateCommandTest {

    @Test
    void keysMapToPidAndProperty() {
        assertArrayEquals(new String[] {"io.aethercore.mesh", "quorum_size"}, ConfigUpdateCommand.resolve("mesh.quorum_size"));
        assertArrayEquals(new String[] {"io.aethercore.audit", "retention.days"},
                ConfigUpdateCommand.resolve("io.aethercore.audit:retention.days"));
        assertThrows(IllegalArgumentException.class, () -> ConfigUpdateCommand.resolve("quorum"));
        assertThrows(IllegalArgumentException.class, () -> ConfigUpdateCommand.resolve("mesh."));
    }

    @Test
    void valuesKeepTheirType() {
        assertEquals(5, ConfigUpdateCommand.typed("5", 3, null));
        assertEquals(5L, ConfigUpdateCommand.typed("5", 3L, null));
        assertEquals(Boolean.TRUE, ConfigUpdateCommand.typed("true", false, null));
        assertEquals("5", ConfigUpdateCommand.typed("5", null, null));
        assertEquals(7, ConfigUpdateCommand.typed("7", "x", "int"));
        assertThrows(NumberFormatException.class, () -> ConfigUpdateCommand.typed("five", 3, null));
        assertThrows(IllegalArgumentException.class, () -> ConfigUpdateCommand.typed("yes", true, null));
    }
}
