package io.aethercore.crypto.internal;

import io.aethercore.api.crypto.HashService;
import io.aethercore.tck.HashServiceContract;

/** The BouncyCastle hash provider against the TCK. */
class BcHashingTest extends HashServiceContract {

    private static final BcHashing SERVICE = new BcHashing();

    @Override
    protected HashService hashService() {
        return SERVICE;
    }
}
