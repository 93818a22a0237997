package io.aethercore.api.attestation;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Platform attestation by a TPM 2.0 (or a software stand-in of {@link AttestationKind#SOFTWARE}).
 * Implementations are thread-safe. Every provider registers the service property {@value #KIND}.
 */
@ProviderType
public interface Attestation {

    /** Service property: {@link AttestationKind#id()} ({@code String}): {@code tpm} or {@code software}. */
    String KIND = "aethercore.attestation.kind";

    /** Service property: where the TPM is ({@code String}), e.g. {@code /dev/tpmrm0} or {@code 127.0.0.1:2321}. */
    String DEVICE = "aethercore.attestation.device";

    AttestationKind kind();

    /** Manufacturer, firmware version and where the TPM is. */
    TpmInfo info() throws AttestationException;

    /** Current PCR values of a selection. */
    PcrValues readPcrs(PcrSelection selection) throws AttestationException;

    /**
     * The attestation key: a restricted ECC P-256 signing key of the TPM that signs quotes only. The
     * same key every time (re-created deterministically from the TPM's endorsement seed).
     */
    AttestationKey attestationKey() throws AttestationException;

    /**
     * A quote: the TPM signs, with the attestation key, the digest of the selected PCRs together with
     * the caller's nonce (TPM2_Quote). The returned quote carries the PCR values read with it.
     *
     * @param nonce the verifier's fresh challenge, 1 to 64 bytes (the TPM's limit for qualifying data)
     */
    Quote quote(byte[] nonce, PcrSelection selection) throws AttestationException;

    /**
     * The RSA 2048 endorsement key (public part, and certificate when the TPM holds one); empty without
     * a TPM.
     */
    Optional<EndorsementKey> endorsementKey() throws AttestationException;

    /** The endorsement key of the given TCG default template; empty without a TPM. */
    default Optional<EndorsementKey> endorsementKey(EndorsementKey.Algorithm algorithm) throws AttestationException {
        return algorithm == EndorsementKey.Algorithm.RSA_2048 ? endorsementKey() : Optional.empty();
    }

    /**
     * TPM2_ActivateCredential: recovers the secret of a challenge made with {@code CredentialMaker} (attestation-verifier bundle)
     * for this TPM's endorsement key and this attestation key's name. Only a TPM holding both keys
     * can; a verifier that gets its secret back knows the attestation key lives beside that EK.
     */
    byte[] activateCredential(CredentialChallenge challenge) throws AttestationException;
}
