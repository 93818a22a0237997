/**
 * Platform attestation: TPM 2.0 quotes over PCRs, the attestation key (AK), the endorsement key (EK)
 * and credential activation.
 *
 * <p>{@link io.aethercore.api.attestation.Attestation} is the service (a TPM, or a software stand-in
 * that says so: {@link io.aethercore.api.attestation.AttestationKind}). This package holds only the
 * contracts and values; the functions on the TPM 2.0 wire formats (quote verification, structure
 * parsing, MakeCredential) are in the attestation-verifier bundle ({@code io.aethercore.attestation.verifier}),
 * so that a verifier off the node checks quotes without the service and without a TPM.
 *
 * <p>2.0.0: the parsing helpers on the value records and the verifiers moved to that bundle.
 */
@Export
@Version("2.0.0")
package io.aethercore.api.attestation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
