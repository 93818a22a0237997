package io.aethercore.crypto.internal;

import io.aethercore.api.crypto.KdfService;
import io.aethercore.tck.KdfContract;

/** The BouncyCastle HKDF provider against the TCK. */
class BcKdfTest extends KdfContract {

    private static final BcKdf SERVICE = new BcKdf();

    @Override
    protected KdfService kdfService() {
        return SERVICE;
    }
}
