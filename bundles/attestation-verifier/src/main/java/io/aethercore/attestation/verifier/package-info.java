/**
 * TPM 2.0 verification as plain functions on the wire formats, pure JDK: parsing of TPMS_ATTEST and
 * TPMT_PUBLIC ({@link io.aethercore.attestation.verifier.TpmStructures}), quote verification
 * ({@link io.aethercore.attestation.verifier.QuoteVerifier}), TPM2_MakeCredential for a verifier
 * ({@link io.aethercore.attestation.verifier.CredentialMaker}) and the record of issued nonces
 * ({@link io.aethercore.attestation.verifier.NonceLedger}). A Federation Authority, an auditor or a peer
 * checks quotes and challenges attestation keys with them, without the attestation service or a TPM.
 */
@Export
@Version("1.0.0")
package io.aethercore.attestation.verifier;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
