package io.aethercore.tpm.internal;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.AttestationException;
import io.aethercore.api.attestation.AttestationKey;
import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.attestation.CredentialChallenge;
import io.aethercore.api.attestation.EndorsementKey;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.attestation.TpmInfo;
import io.aethercore.attestation.verifier.TpmStructures;
import java.util.Optional;

/** {@link Attestation} by a TPM 2.0 through a {@link TpmSession}. */
public final class TpmAttestation implements Attestation {

    private final TpmSession session;

    public TpmAttestation(TpmSession session) {
        this.session = session;
    }

    @Override
    public AttestationKind kind() {
        return AttestationKind.TPM;
    }

    @Override
    public TpmInfo info() throws AttestationException {
        return session.info();
    }

    @Override
    public PcrValues readPcrs(PcrSelection selection) throws AttestationException {
        return session.readPcrs(selection);
    }

    @Override
    public AttestationKey attestationKey() throws AttestationException {
        byte[] pub = session.attestationKeyPublic();
        return new AttestationKey(AttestationKind.TPM, TpmStructures.parsePublic(pub).eccP256(), pub);
    }

    @Override
    public Quote quote(byte[] nonce, PcrSelection selection) throws AttestationException {
        TpmSession.RawQuote q = session.quote(nonce, selection);
        return new Quote(AttestationKind.TPM, q.attest(), q.signature(), q.values());
    }

    @Override
    public Optional<EndorsementKey> endorsementKey() throws AttestationException {
        return session.endorsementKey();
    }

    @Override
    public Optional<EndorsementKey> endorsementKey(EndorsementKey.Algorithm algorithm) throws AttestationException {
        return session.endorsementKey(algorithm);
    }

    @Override
    public byte[] activateCredential(CredentialChallenge challenge) throws AttestationException {
        return session.activateCredential(challenge);
    }

    /** Extends a PCR (drills: {@code aether:tpm-pcr-extend}). */
    public PcrValues extendPcr(PcrSelection.Bank bank, int pcr, byte[] digest) throws AttestationException {
        return session.extendPcr(bank, pcr, digest);
    }

    @Override
    public String toString() {
        return "TPM attestation (" + session.where() + ")";
    }
}
