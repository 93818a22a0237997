package io.aethercore.shell.internal;

import java.security.AccessController;
import java.security.Principal;
import javax.security.auth.Subject;

/**
 * Who is at the console: the Karaf session's {@code USER}, else the JAAS user principal, else "console".
 * The audit bundle names console operators the same way (its console auditor and {@code audit-prune}).
 */
final class ConsoleOperator {

    private ConsoleOperator() {}

    static String current(Object sessionUser) {
        if (sessionUser != null && !sessionUser.toString().isBlank()) {
            return sessionUser.toString();
        }
        try {
            @SuppressWarnings("removal")
            Subject s = Subject.getSubject(AccessController.getContext());
            if (s != null) {
                for (Principal p : s.getPrincipals()) {
                    if (p.getClass().getSimpleName().equals("UserPrincipal")) {
                        return p.getName();
                    }
                }
            }
        } catch (RuntimeException ignored) {
            // no JAAS context here
        }
        return "console";
    }
}
