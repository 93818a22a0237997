package io.aethercore.api.custody;

/** What protects the keys of a custody. Reported to operators and peers; never overstated. */
public enum CustodyKind {
    /** Keys in files on the node's disk, protected by file permissions and optionally a passphrase. */
    SOFTWARE("software", false),
    /** Keys inside a TPM 2.0; private parts never leave it. */
    TPM("tpm", true),
    /** Keys inside a PKCS#11 token or HSM; private parts never leave it. */
    HSM("hsm", true),
    /**
     * Keys sealed under a key that never leaves an HSM, unsealed in memory only to sign. Stronger
     * than {@link #SOFTWARE} at rest, weaker than {@link #HSM} while in use.
     */
    HSM_WRAPPED("hsm-wrapped", false);

    private final String id;
    private final boolean hardware;

    CustodyKind(String id, boolean hardware) {
        this.id = id;
        this.hardware = hardware;
    }

    public String id() {
        return id;
    }

    /** Whether private keys are used only inside hardware. */
    public boolean hardware() {
        return hardware;
    }
}
