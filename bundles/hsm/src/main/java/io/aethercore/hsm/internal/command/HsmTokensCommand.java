package io.aethercore.hsm.internal.command;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.hsm.internal.TokenListing;
import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * {@code aether:hsm-tokens}: what a PKCS#11 library offers.
 */
@Service
@ReadOnly
@Command(scope = "aether", name = "hsm-tokens",
        description = "Lists the slots and tokens of a PKCS#11 library and whether they have the mechanisms AetherCore uses.")
public class HsmTokensCommand implements Action {

    @Option(name = "-l", aliases = "--library", description = "PKCS#11 library (default /usr/lib/softhsm/libsofthsm2.so)")
    String library = "/usr/lib/softhsm/libsofthsm2.so";

    @Override
    public Object execute() throws Exception {
        print(TokenListing.list(library), System.out);
        return null;
    }

    static void print(List<TokenListing.TokenRow> rows, PrintStream out) {
        ShellTable t = new ShellTable();
        for (String c : new String[] {"Slot", "Token label", "Manufacturer", "Model", "Serial", "CKM_EDDSA", "CKM_ECDSA",
                "EC_EDWARDS_KEY_PAIR_GEN", "EC_KEY_PAIR_GEN", "ML-DSA"}) {
            t.column(c);
        }
        for (TokenListing.TokenRow r : rows) {
            t.addRow().addContent(r.slotId(), r.label(), r.manufacturer(), r.model(), r.serial(), yes(r.eddsa()),
                    yes(r.ecdsa()), yes(r.edwardsKeyGen()), yes(r.ecKeyGen()),
                    r.problem() != null ? "error: " + r.problem() : yes(r.mlDsa()));
        }
        t.print(out);
        if (rows.isEmpty()) {
            out.println("no slots with a token");
        }
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
