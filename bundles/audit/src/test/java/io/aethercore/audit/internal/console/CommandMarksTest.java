package io.aethercore.audit.internal.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.console.ReadOnly;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Parser;
import org.apache.karaf.shell.api.console.Registry;
import org.apache.karaf.shell.api.console.Session;
import org.junit.jupiter.api.Test;

/** Read-only is read from the command's class, found through the Karaf session's registry. */
class CommandMarksTest {

    @ReadOnly
    static final class ListThings {}

    static final class ChangeThings {}

    /** Shaped like Karaf's ActionCommand: a Command with a public getActionClass(). */
    public static final class ActionLike implements Command {
        private final String name;
        private final Class<?> action;

        ActionLike(String name, Class<?> action) {
            this.name = name;
            this.action = action;
        }

        public Class<?> getActionClass() {
            return action;
        }

        @Override
        public String getScope() {
            return "aether";
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getDescription() {
            return name;
        }

        @Override
        public Completer getCompleter(boolean scoped) {
            return null;
        }

        @Override
        public Parser getParser() {
            return null;
        }

        @Override
        public Object execute(Session session, List<Object> arguments) {
            return null;
        }
    }

    static Session session(List<Command> commands) {
        Registry registry = (Registry) Proxy.newProxyInstance(Registry.class.getClassLoader(),
                new Class<?>[] {Registry.class}, (p, m, a) -> m.getName().equals("getCommands") ? commands : null);
        return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (p, m, a) -> m.getName().equals("getRegistry") ? registry : null);
    }

    @Test
    void theCommandsOwnClassDecides() {
        Session s = session(List.of(new ActionLike("thing-list", ListThings.class),
                new ActionLike("thing-change", ChangeThings.class)));
        assertTrue(CommandMarks.readOnly(s, "aether", "thing-list"));
        assertFalse(CommandMarks.readOnly(s, "aether", "thing-change"));
        assertFalse(CommandMarks.readOnly(s, "aether", "unknown"), "unknown commands are audited");
        assertFalse(CommandMarks.readOnly("not a Karaf session", "aether", "thing-list"));
        assertFalse(CommandMarks.readOnly(null, "aether", "thing-list"));

        // in the auditor: the mark and the operator's list both exempt a command
        Set<String> known = Set.of("aether:thing-list", "aether:thing-change", "aether:other");
        Set<String> listed = Set.of("aether:other");
        assertEquals(List.of("aether:thing-change x"), CommandLines.stateChanging(
                "thing-list ; aether:thing-change x ; other", known,
                name -> listed.contains(name) || CommandMarks.readOnly(s, "aether", name.substring("aether:".length()))));
    }
}
