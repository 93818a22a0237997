package io.aethercore.support.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Principal;
import java.security.PrivilegedAction;
import java.util.List;
import java.util.Set;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

/** The operator comes from the JAAS subject; the secret-name rule. */
class ConsoleTest {

    record UserPrincipal(String getName) implements Principal {}

    record RolePrincipal(String getName) implements Principal {}

    /** Shaped like Karaf's: public getMethod() and getAddress(). */
    public static final class ClientPrincipal implements Principal {
        private final String method;
        private final String address;

        ClientPrincipal(String method, String address) {
            this.method = method;
            this.address = address;
        }

        public String getMethod() {
            return method;
        }

        public String getAddress() {
            return address;
        }

        @Override
        public String getName() {
            return method + "(" + address + ")";
        }
    }

    @Test
    @SuppressWarnings("removal")
    void operatorFromTheSubjectOfTheCall() {
        Subject s = new Subject();
        s.getPrincipals().add(new UserPrincipal("bob"));
        s.getPrincipals().add(new RolePrincipal("admin"));
        s.getPrincipals().add(new ClientPrincipal("ssh", "/10.1.2.3:50022"));
        ConsoleOperator op = Subject.doAs(s, (PrivilegedAction<ConsoleOperator>) ConsoleOperator::current);
        assertEquals("bob", op.id());
        assertEquals("ssh", op.channel());
        assertEquals("/10.1.2.3:50022", op.remoteAddress());
        assertTrue(op.hasRole("admin"));
        assertFalse(op.hasRole("audit-admin"));

        Subject local = new Subject();
        local.getPrincipals().add(new UserPrincipal("karaf"));
        local.getPrincipals().add(new ClientPrincipal("local", "localhost"));
        ConsoleOperator l = ConsoleOperator.of(local);
        assertEquals("local", l.channel());
        assertEquals("", l.remoteAddress());

        assertEquals(ConsoleOperator.UNAUTHENTICATED, ConsoleOperator.current().id(), "no subject outside doAs");
        assertEquals("unknown", ConsoleOperator.of(null).channel());
    }

    @Test
    void secretNames() {
        for (String n : List.of("secret", "cookie.secret", "cookieSecret", "password", "admin_password", "passwd",
                "passphrase", "pin", "so-pin", "--user-pin", "token", "api.token", "credential", "db.credentials",
                "key", "private.key", "api_key", "signing-key", "PASSWORD")) {
            assertTrue(SecretNames.isSecret(n), n);
        }
        for (String n : List.of("keys", "key.file", "identity.key.file", "pinned_keys", "spinner", "monkey",
                "tokenizer", "quorum_size", "log.path", "hash.algorithm", "", "authorization.env")) {
            assertFalse(SecretNames.isSecret(n), n);
        }
    }
}
