package io.aethercore.hsm.internal.command;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.CustodyKind;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyHandle;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The PKCS#11 custodies as seen through the {@link KeyCustody} service API only (kind {@code hsm}), so
 * that the commands see every PKCS#11 custody the node registers, not only this bundle's objects.
 */
final class HsmCommands {

    static final String FILTER = "(" + KeyCustody.KIND + "=" + CustodyKind.HSM.id() + ")";

    private HsmCommands() {}

    /** The registered HSM custodies, best ranked first, with the references to unget. */
    static List<KeyCustody> custodies(BundleContext context, List<ServiceReference<KeyCustody>> got) {
        List<KeyCustody> out = new ArrayList<>();
        for (ServiceReference<KeyCustody> ref : bestFirst(context)) {
            KeyCustody c = context.getService(ref);
            if (c != null) {
                got.add(ref);
                out.add(c);
            }
        }
        return out;
    }

    /** The custody references, best ranked first (highest ranking, then lowest service id). */
    private static List<ServiceReference<KeyCustody>> bestFirst(BundleContext context) {
        try {
            List<ServiceReference<KeyCustody>> list = new ArrayList<>(context.getServiceReferences(KeyCustody.class, FILTER));
            list.sort(Comparator.<ServiceReference<KeyCustody>>naturalOrder().reversed());
            return list;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad filter " + FILTER, e);
        }
    }

    static void release(BundleContext context, List<ServiceReference<KeyCustody>> got) {
        for (ServiceReference<KeyCustody> ref : got) {
            context.ungetService(ref);
        }
    }

    static KeyHandle keygen(List<KeyCustody> custodies, String custodyName, String algorithm, String label)
            throws KeyCustodyException {
        KeyAlgorithm a = KeyAlgorithm.fromId(algorithm);
        if (custodies.isEmpty()) {
            throw new IllegalArgumentException("no PKCS#11 custody is registered (configure "
                    + "io.aethercore.custody.pkcs11-<name>.cfg and install the HSM bundle; see aether:hsm-tokens)");
        }
        KeyCustody target = null;
        if (custodyName == null || custodyName.isBlank()) {
            if (custodies.size() > 1) {
                throw new IllegalArgumentException("several PKCS#11 custodies are registered; name one with --custody: "
                        + custodies.stream().map(KeyCustody::name).toList());
            }
            target = custodies.get(0);
        } else {
            for (KeyCustody c : custodies) {
                if (c.name().equals(custodyName.trim())) {
                    target = c;
                }
            }
            if (target == null) {
                throw new IllegalArgumentException("no PKCS#11 custody '" + custodyName + "'; registered: "
                        + custodies.stream().map(KeyCustody::name).toList());
            }
        }
        return target.generate(a, label);
    }

    static void printKeys(List<KeyCustody> custodies, String custodyName, PrintStream out) {
        ShellTable t = new ShellTable();
        t.column("Custody");
        t.column("Algorithm");
        t.column("Label");
        t.column("Fingerprint (SHA-256 of SPKI)");
        List<String> problems = new ArrayList<>();
        for (KeyCustody c : custodies) {
            if (custodyName != null && !custodyName.isBlank() && !c.name().equals(custodyName.trim())) {
                continue;
            }
            try {
                for (KeyHandle h : c.list()) {
                    t.addRow().addContent(c.name(), h.algorithm().id(), h.label(), h.publicKey().fingerprint());
                }
            } catch (KeyCustodyException e) {
                problems.add(c.name() + ": " + e.getMessage());
            }
        }
        t.print(out);
        if (custodies.isEmpty()) {
            out.println("no PKCS#11 custody is registered");
        }
        for (String p : problems) {
            out.println("unavailable: " + p);
        }
    }
}
