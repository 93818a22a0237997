package io.aethercore.audit.internal.command;

import java.security.AccessController;
import java.security.Principal;
import javax.security.auth.Subject;

/** Who is at the console: the Karaf session's {@code USER}, else the JAAS user principal, else "console". */
public final class Operators {

    private Operators() {}

    public static String current(Object sessionUser) {
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
