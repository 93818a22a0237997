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
import java.util.Optional;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * The software attestation as a service, ranked 1 (below any TPM), registered with {@code
 * aethercore.attestation.kind=software}. Its ranking comes from {@code etc/io.aethercore.attestation.software.cfg}
 * ({@code service.ranking = I"1"}); on a node that must never run without a TPM, disable it with
 * {@code scr:disable io.aethercore.tpm.internal.SoftwareAttestationComponent}.
 */
@Component(service = Attestation.class, configurationPid = "io.aethercore.attestation.software",
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {"service.ranking:Integer=1", Attestation.KIND + "=software", Attestation.DEVICE + "=software",
                "aethercore.provider=software"})
public final class SoftwareAttestationComponent implements Attestation {

    private final SoftwareAttestation delegate = new SoftwareAttestation();

    @Override
    public AttestationKind kind() {
        return delegate.kind();
    }

    @Override
    public TpmInfo info() {
        return delegate.info();
    }

    @Override
    public PcrValues readPcrs(PcrSelection selection) {
        return delegate.readPcrs(selection);
    }

    @Override
    public AttestationKey attestationKey() {
        return delegate.attestationKey();
    }

    @Override
    public Quote quote(byte[] nonce, PcrSelection selection) throws AttestationException {
        return delegate.quote(nonce, selection);
    }

    @Override
    public Optional<EndorsementKey> endorsementKey() {
        return Optional.empty();
    }

    @Override
    public byte[] activateCredential(CredentialChallenge challenge) throws AttestationException {
        return delegate.activateCredential(challenge);
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
