package io.aethercore.api.crypto;

/** Service property names shared by every crypto provider. */
public final class CryptoServices {

    /** Short name of the provider that registered the service, for example {@code bouncycastle}. */
    public static final String PROVIDER = "aethercore.provider";

    /**
     * Algorithm ids served by the service (a {@code String[]}), as returned by {@code id()} of {@link
     * HashAlgorithm}, {@link KeyAlgorithm}, {@link AeadAlgorithm} or {@link KdfAlgorithm}.
     */
    public static final String ALGORITHMS = "aethercore.algorithms";

    /** Whether the implementation runs native code ({@code Boolean}). */
    public static final String NATIVE = "aethercore.native";

    private CryptoServices() {}
}
