package io.aethercore.dashboard.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.aethercore.dashboard.internal.DashboardControl;

/** {@code aether:operator-remove <name>}: removes a dashboard operator, their keys and their sessions. */
@Service
@Command(scope = "aether", name = "operator-remove", description = "Removes a dashboard operator with all their security keys; their sessions end at once.")
public class OperatorRemoveCommand implements Action {

    @Argument(index = 0, name = "operator", required = true, description = "operator name")
    String operator;

    @Reference(optional = true)
    DashboardControl control;

    @Override
    public Object execute() throws Exception {
        DashboardControl c = Commands.require(control);
        if (!c.operators().remove(operator)) {
            throw new IllegalArgumentException("no dashboard operator '" + operator + "'");
        }
        int closed = c.dashboard().hub().closeOperator(operator, "operator removed");
        System.out.println("Operator '" + operator + "' removed; their sessions are closed (" + closed
                + " open dashboard connection(s) cut).");
        return null;
    }
}
