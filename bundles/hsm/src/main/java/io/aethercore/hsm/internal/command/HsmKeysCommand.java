package io.aethercore.hsm.internal.command;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.api.custody.KeyCustody;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** {@code aether:hsm-keys}: the keys of the PKCS#11 custodies. */
@Service
@ReadOnly
@Command(scope = "aether", name = "hsm-keys", description = "Lists the keys of the PKCS#11 custodies: algorithm, label, fingerprint.")
public class HsmKeysCommand implements Action {

    @Option(name = "-c", aliases = "--custody", description = "only this custody")
    String custody;

    @Reference
    BundleContext bundleContext;

    @Override
    public Object execute() {
        List<ServiceReference<KeyCustody>> got = new ArrayList<>();
        try {
            HsmCommands.printKeys(HsmCommands.custodies(bundleContext, got), custody, System.out);
        } finally {
            HsmCommands.release(bundleContext, got);
        }
        return null;
    }
}
