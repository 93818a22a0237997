package io.aethercore.dashboard.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.aethercore.dashboard.internal.DashboardControl;

/** {@code aether:operator-enrol <name>}: a one-time token with which the operator registers a security key. */
@Service
@Command(scope = "aether", name = "operator-enrol",
        description = "Issues a one-time enrolment token (15 minutes) for a dashboard operator to register a FIDO2 security key; prints the URL to open.")
public class OperatorEnrolCommand implements Action {

    @Argument(index = 0, name = "operator", required = true, description = "operator name: a-z, then a-z 0-9 . _ - (up to 64)")
    String operator;

    @Reference(optional = true)
    DashboardControl control;

    @Override
    public Object execute() throws Exception {
        DashboardControl c = Commands.require(control);
        String token = c.operators().enrol(operator);
        String host = c.settings().publicHost().isEmpty() ? "localhost" : c.settings().publicHost();
        System.out.println("Enrolment token for '" + operator + "' (one use, valid 15 minutes):");
        System.out.println("  " + token);
        System.out.println("Open https://" + host + ":" + c.settings().port() + "/#enrol=" + token
                + " and touch the security key.");
        return null;
    }
}
