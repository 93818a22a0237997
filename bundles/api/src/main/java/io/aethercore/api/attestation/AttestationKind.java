package io.aethercore.api.attestation;

/** What stands behind an {@link Attestation} service. Reported to operators and peers; never overstated. */
public enum AttestationKind {
    /** A TPM 2.0 (a chip, firmware TPM, or a TPM simulator reached over TCP): keys and PCRs in the TPM. */
    TPM("tpm", true),
    /**
     * No TPM: a key in memory and measurement registers that nothing measures into. Lets a node without
     * a TPM run; proves nothing about the platform.
     */
    SOFTWARE("software", false);

    private final String id;
    private final boolean hardware;

    AttestationKind(String id, boolean hardware) {
        this.id = id;
        this.hardware = hardware;
    }

    public String id() {
        return id;
    }

    /** Whether quotes come from a TPM. */
    public boolean hardware() {
        return hardware;
    }
}
