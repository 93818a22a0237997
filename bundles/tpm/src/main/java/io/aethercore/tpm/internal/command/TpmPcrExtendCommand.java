package io.aethercore.tpm.internal.command;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.tpm.internal.TpmAttestation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * {@code aether:tpm-pcr-extend}: extends a PCR of this node's TPM (TPM2_PCR_Extend), as a changed boot
 * component would. For drills: the node's next attestation must fail and name this PCR. The change
 * cannot be undone until the TPM resets (reboot). Audited like every state-changing command.
 */
@Service
@Command(scope = "aether", name = "tpm-pcr-extend",
        description = "Extends a PCR of the TPM with the SHA-256 of the given text (a drill: the node's attestation then fails). Irreversible until the TPM resets.")
public class TpmPcrExtendCommand implements Action {

    @Argument(index = 0, name = "pcr", required = true, description = "the PCR index, 0-23 (sha256 bank)")
    int pcr;

    @Argument(index = 1, name = "measurement", required = true, description = "text whose SHA-256 is extended into the PCR")
    String measurement;

    @Reference
    BundleContext bundleContext;

    @Override
    public Object execute() throws Exception {
        if (pcr < 0 || pcr > PcrSelection.MAX_PCR) {
            throw new IllegalArgumentException("PCR index must be 0 to " + PcrSelection.MAX_PCR);
        }
        for (ServiceReference<Attestation> ref : bundleContext.getServiceReferences(Attestation.class,
                "(" + Attestation.KIND + "=tpm)")) {
            Attestation a = bundleContext.getService(ref);
            try {
                if (a instanceof TpmAttestation tpm) {
                    byte[] digest = MessageDigest.getInstance("SHA-256").digest(measurement.getBytes(StandardCharsets.UTF_8));
                    PcrValues v = tpm.extendPcr(PcrSelection.Bank.SHA256, pcr, digest);
                    System.out.printf("PCR %d (sha256) extended: 0x%s%n", pcr,
                            HexFormat.of().withUpperCase().formatHex(v.value(pcr)));
                    return null;
                }
            } finally {
                bundleContext.ungetService(ref);
            }
        }
        throw new IllegalStateException("no TPM on this node: software attestation has no PCRs to extend");
    }
}
