package io.aethercore.crypto.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration shared by every BouncyCastle service of this bundle (PID {@value #PID}). Properties
 * set in {@code etc/io.aethercore.crypto.bouncycastle.cfg} become service properties of all of them.
 */
public final class BcProviders {

    public static final String PID = "io.aethercore.crypto.bouncycastle";

    @ObjectClassDefinition(
            name = "AetherCore BouncyCastle crypto provider",
            description = "Pure-Java providers of hashing, signatures, key agreement, KEM, AEAD and HKDF.")
    public @interface Config {
        @AttributeDefinition(
                name = "Service ranking",
                description = "Higher wins. The native BLAKE3 provider ranks 100; keep this below it"
                        + " unless the pure-Java provider should serve BLAKE3.")
        int service_ranking() default 10;
    }

    private BcProviders() {}
}
