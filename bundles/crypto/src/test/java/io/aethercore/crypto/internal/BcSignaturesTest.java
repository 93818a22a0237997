package io.aethercore.crypto.internal;

import io.aethercore.api.crypto.SignatureService;
import io.aethercore.tck.SignatureServiceContract;

/** The BouncyCastle signature verifier against the TCK. */
class BcSignaturesTest extends SignatureServiceContract {

    private static final BcSignatures SERVICE = new BcSignatures();

    @Override
    protected SignatureService signatureService() {
        return SERVICE;
    }
}
