package io.aethercore.crypto.internal;

import io.aethercore.api.crypto.AeadService;
import io.aethercore.tck.AeadContract;

/** The BouncyCastle AEAD provider against the TCK. */
class BcAeadsTest extends AeadContract {

    private static final BcAeads SERVICE = new BcAeads();

    @Override
    protected AeadService aeadService() {
        return SERVICE;
    }
}
