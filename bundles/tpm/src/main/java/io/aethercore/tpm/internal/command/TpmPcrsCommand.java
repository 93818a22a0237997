package io.aethercore.tpm.internal.command;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.attestation.TpmInfo;
import io.aethercore.api.console.ReadOnly;
import java.util.HexFormat;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** {@code aether:tpm-pcrs}: PCR values, as {@code tpm2_pcrread} prints them. */
@Service
@ReadOnly
@Command(scope = "aether", name = "tpm-pcrs", description = "Prints PCR values of the TPM (or of the software provider, which says so).")
public class TpmPcrsCommand implements Action {

    @Argument(index = 0, name = "selection", description = "PCRs, e.g. sha256:0,1,2,7 (default sha256:0-23)")
    String selection;

    @Reference
    BundleContext bundleContext;

    @Override
    public Object execute() throws Exception {
        PcrSelection sel = selection == null
                ? PcrSelection.sha256(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23)
                : PcrSelection.parse(selection);
        ServiceReference<Attestation> ref = bundleContext.getServiceReference(Attestation.class);
        if (ref == null) {
            throw new IllegalStateException("no attestation provider (install feature aethercore-tpm)");
        }
        Attestation a = bundleContext.getService(ref);
        try {
            TpmInfo info = a.info();
            System.out.println("# " + a.kind().id() + ": " + info.device()
                    + (a.kind().hardware() ? ", manufacturer " + info.manufacturerDisplay() : " (not hardware: nothing is measured)"));
            PcrValues v = a.readPcrs(sel);
            System.out.println(sel.bank().id() + ":");
            for (int pcr : sel.pcrs()) {
                System.out.printf("  %-2d: 0x%s%n", pcr, HexFormat.of().withUpperCase().formatHex(v.value(pcr)));
            }
            return null;
        } finally {
            bundleContext.ungetService(ref);
        }
    }
}
