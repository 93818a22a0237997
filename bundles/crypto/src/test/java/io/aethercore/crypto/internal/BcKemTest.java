package io.aethercore.crypto.internal;

import io.aethercore.api.crypto.KemService;
import io.aethercore.tck.KemContract;
import java.security.SecureRandom;

/** The BouncyCastle ML-KEM-1024 provider against the TCK. */
class BcKemTest extends KemContract {

    private static final BcKem SERVICE = new BcKem(new SecureRandom());

    @Override
    protected KemService kemService() {
        return SERVICE;
    }
}
