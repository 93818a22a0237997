package io.aethercore.backup.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Where a restored log goes on a node without configuration for it: never outside the data directory. */
class RestoreTargetTest {

    @Test
    void aRecordedHomeIsUsedOnlyWhenItIsAPlainRelativePath() {
        Path data = Path.of(StoreDirs.data());
        assertEquals(data.resolve("aethercore/gospel"), RestoreCommand.home("aethercore/gospel", "gospel"));
        for (String hostile : new String[] {"../../etc", "/etc/passwd", "aethercore/../..", "a//b", "a\\b", "", " x", null}) {
            assertEquals(data.resolve("aethercore/merkle/gospel"), RestoreCommand.home(hostile, "gospel"), String.valueOf(hostile));
        }
    }
}
