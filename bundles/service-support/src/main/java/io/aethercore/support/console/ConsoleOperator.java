package io.aethercore.support.console;

import java.security.AccessControlContext;
import java.security.AccessController;
import java.security.Principal;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.security.auth.Subject;

/**
 * Who runs a console command, taken from the authenticated JAAS subject the command runs under, never from a
 * shell variable (a session's {@code USER} is an ordinary variable any user can reassign).
 *
 * <p>Karaf runs every console session inside {@code Subject.doAs} of the subject its JAAS login produced: the
 * local console with {@code karaf.local.user} (and a {@code ClientPrincipal("local", "localhost")}), SSH and
 * {@code bin/client} with the user who logged in (and {@code ClientPrincipal("ssh", <remote address>)}). The
 * principals are recognised by class name, so this class needs no Karaf package: {@code UserPrincipal} gives the
 * id, {@code RolePrincipal} the roles, {@code ClientPrincipal} the channel and the remote address.
 *
 * @param id the authenticated user name, or {@value #UNAUTHENTICATED} when the call has no subject or no user
 * @param channel how the operator reached the node: {@code local}, {@code ssh}, or another {@code ClientPrincipal}
 *        method (a later {@code aether-ctl} or dashboard login names its own); {@code unknown} when the subject says
 *        nothing about it (a session opened by code inside the node)
 * @param remoteAddress the peer address of an SSH session, else empty
 * @param roles the subject's role names
 */
public record ConsoleOperator(String id, String channel, String remoteAddress, Set<String> roles) {

    /** The id of a caller without an authenticated user. */
    public static final String UNAUTHENTICATED = "(unauthenticated)";

    public ConsoleOperator {
        roles = Set.copyOf(roles);
    }

    /** The operator of the calling thread's access control context. */
    @SuppressWarnings("removal")
    public static ConsoleOperator current() {
        try {
            AccessControlContext acc = AccessController.getContext();
            return of(Subject.getSubject(acc));
        } catch (RuntimeException | LinkageError noJaas) {
            // no security context API (a later JDK without it): nobody is authenticated here
            return of(null);
        }
    }

    /** The operator a subject names ({@code null}: unauthenticated). */
    public static ConsoleOperator of(Subject subject) {
        String user = null;
        String channel = "unknown";
        String address = "";
        Set<String> roles = new LinkedHashSet<>();
        if (subject != null) {
            for (Principal p : subject.getPrincipals()) {
                String type = p.getClass().getSimpleName();
                switch (type) {
                    case "UserPrincipal" -> {
                        if (user == null) {
                            user = p.getName();
                        }
                    }
                    case "RolePrincipal" -> roles.add(p.getName());
                    case "ClientPrincipal" -> {
                        String[] ma = clientOf(p);
                        channel = ma[0];
                        address = ma[1];
                    }
                    default -> {
                        // groups and other principals say nothing about who or how
                    }
                }
            }
        }
        if (user == null || user.isBlank()) {
            user = UNAUTHENTICATED;
        }
        if ("local".equals(channel)) {
            address = "";
        }
        return new ConsoleOperator(user, channel, address, roles);
    }

    /** Whether the operator holds {@code role}. */
    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** Method and address of a Karaf {@code ClientPrincipal} (its public getters, else its name). */
    private static String[] clientOf(Principal p) {
        try {
            Object m = p.getClass().getMethod("getMethod").invoke(p);
            Object a = p.getClass().getMethod("getAddress").invoke(p);
            return new String[] {String.valueOf(m), a == null ? "" : String.valueOf(a)};
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new String[] {p.getName(), ""};
        }
    }
}
