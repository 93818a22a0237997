package io.aethercore.dashboard.internal.command;

import java.util.Locale;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.dashboard.Json;
import io.aethercore.dashboard.auth.Operator;
import io.aethercore.dashboard.internal.DashboardControl;

/** {@code aether:operator-list}: dashboard operators and their security keys. */
@Service
@ReadOnly
@Command(scope = "aether", name = "operator-list", description = "Dashboard operators: registered security keys, created, last login.")
public class OperatorListCommand implements Action {

    @Option(name = "--json", description = "print a JSON array instead of the table: name, keys, created, last_login (null if never)")
    boolean json;

    @Reference(optional = true)
    DashboardControl control;

    @Override
    public Object execute() {
        DashboardControl c = Commands.require(control);
        if (json) {
            StringBuilder b = new StringBuilder("[");
            String sep = "";
            for (Operator o : c.operators().operators()) {
                b.append(sep).append('{');
                Json.key(b, "name");
                Json.string(b, o.name()).append(',');
                Json.key(b, "keys");
                b.append(o.credentials()).append(',');
                Json.key(b, "created");
                Json.string(b, String.valueOf(o.created())).append(',');
                Json.key(b, "last_login");
                if (o.lastLogin() == null) {
                    b.append("null");
                } else {
                    Json.string(b, o.lastLogin().toString());
                }
                b.append('}');
                sep = ",";
            }
            System.out.println(b.append(']'));
            return null;
        }
        System.out.println(String.format(Locale.ROOT, "%-24s %-5s %-30s %s", "OPERATOR", "KEYS", "CREATED", "LAST_LOGIN"));
        for (Operator o : c.operators().operators()) {
            System.out.println(String.format(Locale.ROOT, "%-24s %-5d %-30s %s", o.name(), o.credentials(), o.created(),
                    o.lastLogin() == null ? "never" : o.lastLogin()));
        }
        return null;
    }
}
