package io.aethercore.hsm.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.crypto.internal.SoftwareKeyCustody;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hsm-keygen / hsm-keys logic over KeyCustody services (a software custody stands in for a token). */
class HsmCommandsTest {

    @TempDir
    Path dir;

    @Test
    void keygenPicksTheNamedCustodyAndKeysListsIt() throws Exception {
        KeyCustody a = new SoftwareKeyCustody("pkcs11:a", dir.resolve("a"), null, new SecureRandom());
        KeyCustody b = new SoftwareKeyCustody("pkcs11:b", dir.resolve("b"), null, new SecureRandom());
        List<KeyCustody> both = List.of(a, b);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HsmCommands.keygen(both, null, "Ed25519", "k"))
                .getMessage().contains("--custody"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HsmCommands.keygen(List.of(), null, "Ed25519", "k"))
                .getMessage().contains("no PKCS#11 custody"));
        KeyHandle h = HsmCommands.keygen(both, "pkcs11:b", "ecdsa-p256-sha256", "node");
        assertEquals(KeyAlgorithm.ECDSA_P256, h.algorithm());
        assertEquals("pkcs11:b", h.custody());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HsmCommands.printKeys(both, null, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("pkcs11:b") && text.contains("node") && text.contains(h.publicKey().fingerprint()), text);
        assertEquals("(aethercore.custody.kind=hsm)", HsmCommands.FILTER);
    }
}
