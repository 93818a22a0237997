/**
 * Platform attestation: TPM 2.0 quotes over PCRs, the attestation key (AK), the endorsement key (EK)
 * and credential activation.
 *
 * <p>{@link io.aethercore.api.attestation.Attestation} is the service (a TPM, or a software stand-in
 * that says so: {@link io.aethercore.api.attestation.AttestationKind}). {@link
 * io.aethercore.api.attestation.QuoteVerifier}, {@link io.aethercore.api.attestation.TpmStructures}
 * and {@link io.aethercore.api.attestation.CredentialMaker} are plain functions on the TPM 2.0 wire
 * formats, so that a verifier off the node (a Federation Authority, an auditor, a peer) checks quotes
 * and challenges attestation keys without the service and without a TPM.
 */
@Export
@Version("1.0.0")
package io.aethercore.api.attestation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
