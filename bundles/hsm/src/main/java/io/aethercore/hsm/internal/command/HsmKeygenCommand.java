package io.aethercore.hsm.internal.command;

import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyHandle;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** {@code aether:hsm-keygen}: generates a key inside a PKCS#11 token. */
@Service
@Command(scope = "aether", name = "hsm-keygen",
        description = "Generates a key pair inside a PKCS#11 custody (the private key never leaves the token).")
public class HsmKeygenCommand implements Action {

    @Option(name = "-c", aliases = "--custody", description = "custody name, e.g. pkcs11:node (optional when only one exists)")
    String custody;

    @Argument(index = 0, name = "algorithm", required = true, description = "Ed25519 or ECDSA-P256-SHA256")
    @Completion(value = StringsCompleter.class, values = {"Ed25519", "ECDSA-P256-SHA256"})
    String algorithm;

    @Argument(index = 1, name = "label", required = true, description = "key label")
    String label;

    @Reference
    BundleContext bundleContext;

    @Override
    public Object execute() throws Exception {
        List<ServiceReference<KeyCustody>> got = new ArrayList<>();
        try {
            KeyHandle h = HsmCommands.keygen(HsmCommands.custodies(bundleContext, got), custody, algorithm, label);
            System.out.println("generated " + h.algorithm().id() + " key '" + h.label() + "' in " + h.custody()
                    + "; fingerprint " + h.publicKey().fingerprint());
            System.out.print(h.publicKey().toPem());
        } finally {
            HsmCommands.release(bundleContext, got);
        }
        return null;
    }
}
