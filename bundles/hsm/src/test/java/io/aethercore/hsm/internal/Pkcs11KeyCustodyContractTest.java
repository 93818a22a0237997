package io.aethercore.hsm.internal;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.crypto.internal.BcSignatures;
import io.aethercore.tck.KeyCustodyContract;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The PKCS#11 custody against the custody TCK, each test on a fresh SoftHSM2 token; verified by BouncyCastle. */
class Pkcs11KeyCustodyContractTest extends KeyCustodyContract {

    @TempDir
    Path dir;

    private SoftHsm hsm;
    private String label;

    @BeforeEach
    void token() throws IOException {
        hsm = new SoftHsm(dir);
        label = SoftHsm.newLabel("tck");
        hsm.initToken(label);
    }

    @AfterEach
    void closeAll() {
        hsm.close();
    }

    @Override
    protected KeyCustody custody() {
        try {
            return hsm.open(label);
        } catch (KeyCustodyException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected KeyCustody reopened() {
        return custody();
    }

    /** Ed25519 over the empty message cannot reach SoftHSM2 through the wrapper's JNI layer (NULL data pointer). */
    @Override
    protected boolean signsEmptyMessage(KeyAlgorithm algorithm) {
        return algorithm != KeyAlgorithm.ED25519;
    }

    @Override
    protected SignatureService signatureService() {
        return new BcSignatures();
    }
}
