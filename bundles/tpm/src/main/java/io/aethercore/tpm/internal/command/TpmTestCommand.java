package io.aethercore.tpm.internal.command;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.console.ReadOnly;
import io.aethercore.tpm.internal.TpmHealthCheck;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** {@code aether:tpm-test}: the TPM health check of docs/operations.md, against the best-ranked attestation provider. */
@Service
@ReadOnly
@Command(scope = "aether", name = "tpm-test",
        description = "TPM health check (playbook Step 1.1): detect the TPM, generate the AIK, quote PCRs 0,1,2,7, verify, print the public key.")
public class TpmTestCommand implements Action {

    @Option(name = "-p", aliases = "--pcrs", description = "PCR selection (default sha256:0,1,2,7)")
    String pcrs = "sha256:0,1,2,7";

    @Option(name = "-s", aliases = "--allow-software", description = "run the flow on the software provider when there is no TPM")
    boolean allowSoftware;

    @Reference
    BundleContext bundleContext;

    @Override
    public Object execute() {
        ServiceReference<Attestation> ref = bundleContext.getServiceReference(Attestation.class);
        Attestation a = ref == null ? null : bundleContext.getService(ref);
        try {
            TpmHealthCheck.Outcome outcome = TpmHealthCheck.run(a, PcrSelection.parse(pcrs), allowSoftware, System.out);
            if (outcome != TpmHealthCheck.Outcome.PASSED) {
                throw new IllegalStateException("TPM attestation test failed: " + outcome);
            }
            return null;
        } finally {
            if (ref != null && a != null) {
                bundleContext.ungetService(ref);
            }
        }
    }
}
