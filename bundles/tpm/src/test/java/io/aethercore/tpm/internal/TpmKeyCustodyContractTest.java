package io.aethercore.tpm.internal;

import static org.junit.jupiter.api.Assertions.*;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.CustodyKind;
import io.aethercore.api.custody.CustodyUnavailableException;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.crypto.internal.BcSignatures;
import io.aethercore.tck.KeyCustodyContract;
import io.aethercore.testing.swtpm.SwtpmExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The TPM custody against the custody TCK on swtpm; signatures verified by BouncyCastle. */
class TpmKeyCustodyContractTest extends KeyCustodyContract {

    @RegisterExtension
    static final SwtpmExtension SWTPM = new SwtpmExtension();

    @TempDir
    Path dir;

    private TpmSession session;

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
    }

    @Override
    protected KeyCustody custody() {
        session = TpmSession.simulator(SWTPM.get().host(), SWTPM.get().port());
        try {
            return new TpmKeyCustody("tpm", session, dir.resolve("keys"));
        } catch (KeyCustodyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A restart: the old connection closes (swtpm serves one at a time), a new one re-derives the keys. */
    @Override
    protected KeyCustody reopened() {
        session.close();
        return custody();
    }

    @Override
    protected SignatureService signatureService() {
        return new BcSignatures();
    }

    @Test
    void servesP256OnlyAndSaysWhyNotEd25519() throws Exception {
        KeyCustody k = custody();
        assertEquals(CustodyKind.TPM, k.kind());
        assertTrue(k.kind().hardware());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.generate(KeyAlgorithm.ED25519, "ed"));
        assertTrue(e.getMessage().contains("TPMs do not do Ed25519"), e.getMessage());
    }

    @Test
    void keyFileHoldsNoPrivateKeyAndIsPrivate() throws Exception {
        KeyHandle h = custody().generate(KeyAlgorithm.ECDSA_P256, "node");
        Path f = dir.resolve("keys/node.tpmkey");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        String text = Files.readString(f, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("unique=") && text.contains("public="), text);
        assertFalse(text.contains("PRIVATE"), text);
        assertTrue(h.publicKey().toPem().startsWith("-----BEGIN PUBLIC KEY-----"));
    }

    @Test
    void tpmGoneIsRetryableUnavailable() throws Exception {
        KeyCustody k = custody();
        KeyHandle h = k.generate(KeyAlgorithm.ECDSA_P256, "gone");
        SWTPM.get().kill();
        try {
            CustodyUnavailableException e = assertThrows(CustodyUnavailableException.class, () -> k.sign(h, new byte[] {1}));
            assertTrue(e.isRetryable());
        } finally {
            SWTPM.get().launch();
        }
        byte[] sig = k.sign(h, new byte[] {1});
        new BcSignatures().verify(h.publicKey(), new byte[] {1}, sig);
    }
}
