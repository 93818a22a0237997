package io.aethercore.dashboard.internal.command;

import java.util.Locale;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.dashboard.auth.Operator;
import io.aethercore.dashboard.internal.DashboardControl;

/** {@code aether:operator-list}: dashboard operators and their security keys. */
@Service
@ReadOnly
@Command(scope = "aether", name = "operator-list", description = "Dashboard operators: registered security keys, created, last login.")
public class OperatorListCommand implements Action {

    @Reference(optional = true)
    DashboardControl control;

    @Override
    public Object execute() {
        DashboardControl c = Commands.require(control);
        System.out.println(String.format(Locale.ROOT, "%-24s %-5s %-30s %s", "OPERATOR", "KEYS", "CREATED", "LAST_LOGIN"));
        for (Operator o : c.operators().operators()) {
            System.out.println(String.format(Locale.ROOT, "%-24s %-5d %-30s %s", o.name(), o.credentials(), o.created(),
                    o.lastLogin() == null ? "never" : o.lastLogin()));
        }
        return null;
    }
}
