package io.aethercore.crypto.internal;

import io.aethercore.api.crypto.KeyAgreementService;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.tck.KeyAgreementContract;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BouncyCastle X25519 provider against the TCK; the fixed-key vectors go through a software
 * custody (no passphrase) in a temporary directory.
 */
class BcKeyAgreementTest extends KeyAgreementContract {

    private static final BcKeyAgreement SERVICE = new BcKeyAgreement(new SecureRandom());

    @TempDir
    Path dir;

    @Override
    protected KeyAgreementService keyAgreementService() {
        return SERVICE;
    }

    @Override
    protected KeyCustody custodyForImports() {
        try {
            return new SoftwareKeyCustody("tck-imports", dir.resolve("keys"), null, new SecureRandom());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
