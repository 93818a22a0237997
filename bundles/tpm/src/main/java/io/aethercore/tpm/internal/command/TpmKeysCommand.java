package io.aethercore.tpm.internal.command;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyHandle;
import java.util.Collection;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * {@code aether:tpm-keys}: the keys of the TPM custody; generates one ({@code -g}) or exports a public key
 * as PEM ({@code -p}). Private keys never leave the TPM; there is nothing else to export.
 */
@Service
@Command(scope = "aether", name = "tpm-keys",
        description = "Lists the TPM custody's keys (ECDSA P-256), generates one inside the TPM (-g), or prints a public key as PEM (-p).")
public class TpmKeysCommand implements Action {

    @Option(name = "-g", aliases = "--generate", description = "generate an ECDSA P-256 key with this label inside the TPM")
    String generate;

    @Option(name = "-p", aliases = "--pem", description = "print the public key (PEM) of the key with this label")
    String pem;

    @Reference
    BundleContext bundleContext;

    @Override
    public Object execute() throws Exception {
        Collection<ServiceReference<KeyCustody>> refs = bundleContext.getServiceReferences(KeyCustody.class,
                "(" + KeyCustody.KIND + "=tpm)");
        if (refs.isEmpty()) {
            throw new IllegalStateException("no TPM custody is registered: no TPM found (see aether:tpm-test and the log)");
        }
        ServiceReference<KeyCustody> ref = refs.iterator().next();
        KeyCustody custody = bundleContext.getService(ref);
        try {
            if (generate != null) {
                KeyHandle h = custody.generate(KeyAlgorithm.ECDSA_P256, generate);
                System.out.println("generated ECDSA P-256 key '" + h.label() + "' inside the TPM (custody " + h.custody()
                        + "); fingerprint " + h.publicKey().fingerprint());
                System.out.print(h.publicKey().toPem());
                return null;
            }
            if (pem != null) {
                KeyHandle h = custody.find(pem).orElseThrow(() -> new IllegalArgumentException(
                        "no key '" + pem + "' in TPM custody " + custody.name()));
                System.out.print(h.publicKey().toPem());
                return null;
            }
            ShellTable t = new ShellTable();
            t.column("Custody");
            t.column("Algorithm");
            t.column("Label");
            t.column("Created");
            t.column("Fingerprint (SHA-256 of SPKI)");
            for (KeyHandle h : custody.list()) {
                t.addRow().addContent(h.custody(), h.algorithm().id(), h.label(), h.created(), h.publicKey().fingerprint());
            }
            t.print(System.out);
            return null;
        } finally {
            bundleContext.ungetService(ref);
        }
    }
}
