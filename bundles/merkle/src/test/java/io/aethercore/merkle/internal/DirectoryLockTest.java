package io.aethercore.merkle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleLogException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A log directory has one writer: a second open fails with a clear message, and works once the first closes. */
class DirectoryLockTest {

    @Test
    void secondOpenOfTheSameDirectoryIsRefused(@TempDir Path dir) throws Exception {
        try (VineLog first = MerkleTestSupport.openSha256(dir, Durability.SYNC)) {
            first.append(MerkleTestSupport.utf8("one"));
            MerkleLogException e = assertThrows(MerkleLogException.class,
                    () -> MerkleTestSupport.openSha256(dir, Durability.SYNC));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            assertEquals(1, first.size());
        }
        try (VineLog again = MerkleTestSupport.openSha256(dir, Durability.SYNC)) {
            assertEquals(1, again.size());
        }
    }
}
