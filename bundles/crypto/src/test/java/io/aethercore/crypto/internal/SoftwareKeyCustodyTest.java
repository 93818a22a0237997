package io.aethercore.crypto.internal;

import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.tck.KeyCustodyContract;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * The software key custody against the TCK, once with keys protected by file permissions only and
 * once with keys encrypted under a passphrase. Each test gets a fresh, empty directory.
 */
class SoftwareKeyCustodyTest {

    private static final SignatureService VERIFIER = new BcSignatures();
    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    @Nested
    class WithoutPassphrase extends KeyCustodyContract {
        @TempDir
        Path dir;

        @Override
        protected KeyCustody custody() {
            return newCustody(dir, null);
        }

        @Override
        protected KeyCustody reopened() {
            return newCustody(dir, null);
        }

        @Override
        protected SignatureService signatureService() {
            return VERIFIER;
        }
    }

    /** Every key written here costs a 600,000-iteration PBKDF2; the contract keeps their number small. */
    @Nested
    class WithPassphrase extends KeyCustodyContract {
        @TempDir
        Path dir;

        @Override
        protected KeyCustody custody() {
            return newCustody(dir, PASSPHRASE.clone());
        }

        @Override
        protected KeyCustody reopened() {
            return newCustody(dir, PASSPHRASE.clone());
        }

        @Override
        protected SignatureService signatureService() {
            return VERIFIER;
        }
    }

    static SoftwareKeyCustody newCustody(Path dir, char[] passphrase) {
        try {
            return new SoftwareKeyCustody("software-tck", dir.resolve("keys"), passphrase, new SecureRandom());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
